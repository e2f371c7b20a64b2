"""What pages show people, written for them: `{{ event|event_label }}`, `{{ event|event_details }}`,
`{% history_list events %}` (audit events, clusters.history) and `{{ value|number }}` (92,58; 1.250;
clusters.formatting)."""

from django import template

from clusters import formatting, history

register = template.Library()
register.filter("event_label", history.event_label)
register.filter("event_details", history.event_details)
register.filter("number", formatting.number)
register.simple_tag(history.history_html, name="history_list")
