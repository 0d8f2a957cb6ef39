-- closedesk schema, step 6: indexes for the audit viewer's filters by action and by agent.
-- Released: never edit; add a new step instead.

CREATE INDEX audit_events_action ON audit_events(action, at);
CREATE INDEX audit_events_actor ON audit_events(actor_kind, actor_id, at);
