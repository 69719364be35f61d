"""Comparison of 2 to 4 territories of any level (/comparer): chosen indicators side by side with the région and
France, each value with its source and coverage."""
