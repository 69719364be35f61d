// The dashboard's plotly.js: the core (scatter traces) and the other trace types the app draws.
// Built by build.sh; dashboard/server/plotly_bundle.py lists the same trace types (a test compares them).
var Plotly = require('plotly.js/lib/core');
Plotly.register([require('plotly.js/lib/bar'), require('plotly.js/lib/choropleth'), require('plotly.js/lib/scattergeo')]);
module.exports = Plotly;
