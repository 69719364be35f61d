"""Component ids of the API documentation page."""

API_TITLE = "api-titre"
API_ENDPOINTS = "api-points-d-acces"
