-- Analytics of real use (issue 11): counters per UTC day (YYYY-MM-DD), added to as
-- assessments are saved, so that editors see which options, rules, architectures, approaches
-- and leading vendors real assessments produce and where buyers leave the wizard. Only
-- counts are kept: no answers, no assessment IDs, no keys, nothing about a person. Several
-- instances add to the same rows with INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n.
--   kind    what was counted (result, option, rule, architecture, approach, leader,
--           step_started, step_completed)
--   name    of what: a question, rule, architecture, approach, vendor or step ID ('' for result)
--   detail  the option of an option count, else ''
-- day is text, as on SQLite, so that both databases share the store's SQL; ISO dates sort as text.
CREATE TABLE analytics_counts (
    day    text NOT NULL CHECK (day ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
    kind   text NOT NULL,
    name   text NOT NULL,
    detail text NOT NULL,
    n      bigint NOT NULL CHECK (n >= 0),
    PRIMARY KEY (day, kind, name, detail)
);
