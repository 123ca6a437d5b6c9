"""Alert building blocks: the alert record, rendering per target, target parsing and routing,
and delivery to one apprise target. The outbox and the flow that call these live elsewhere."""
