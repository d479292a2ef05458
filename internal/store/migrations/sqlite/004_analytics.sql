-- Analytics of real use (issue 11): counters per UTC day (YYYY-MM-DD), added to as
-- assessments are saved, so that editors see which options, rules, architectures, approaches
-- and leading vendors real assessments produce and where buyers leave the wizard. Only
-- counts are kept: no answers, no assessment IDs, no keys, nothing about a person. Several
-- instances add to the same rows with INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n.
--   kind    what was counted (result, option, rule, architecture, approach, leader,
--           step_started, step_completed)
--   name    of what: a question, rule, architecture, approach, vendor or step ID ('' for result)
--   detail  the option of an option count, else ''
CREATE TABLE analytics_counts (
    day    TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    kind   TEXT NOT NULL,
    name   TEXT NOT NULL,
    detail TEXT NOT NULL,
    n      INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (day, kind, name, detail)
) WITHOUT ROWID;
