"""Thin views, one module per part: permission (404 for another province, 403 for a forbidden
action), form, one service call, redirect or render."""
