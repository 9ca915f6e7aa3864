-- Analyst views: the questions asked most, answered without joins (README "Analyst views").
-- Created after views.sql, on the contract's tables only. One statement per view.
--
-- Months and dates: an event is dated by an inclusive window (date_start .. date_end) of some
-- precision (day, month, year, decade, range). These views date an event by the start of its
-- window: the month of date_start, as a DATE (the month's first day). An event dated only by
-- its year therefore counts in January of that year; events_by_month says how many events of
-- each row lie wholly inside the month (n_within_month). Undated events (date_start NULL)
-- keep a row with a NULL month, so the counts add up to the events table.
--
-- QuadClass and the Goldstein scale are stored on every event (events.quad_class,
-- events.goldstein, both NOT NULL, from the CAMEO tables in transforms/data/cameo/), so nothing
-- is looked up here. QuadClass: 1 verbal cooperation, 2 material cooperation,
-- 3 verbal conflict, 4 material conflict.

-- Per month, CAMEO root code and QuadClass: how many events, and their mean Goldstein value.
CREATE OR REPLACE VIEW events_by_month AS
SELECT
    CAST(date_trunc('month', e.date_start) AS DATE) AS month,
    e.event_root_code,
    e.quad_class,
    count(*)                                                   AS n_events,
    avg(e.goldstein)                                           AS mean_goldstein,
    count(*) FILTER (
        WHERE e.date_end < CAST(date_trunc('month', e.date_start) + INTERVAL 1 MONTH AS DATE)
    )                                                          AS n_within_month
FROM events e
GROUP BY ALL;

-- Directed source -> target pairs (both actors known): how many events, when, and how cooperative.
-- net_cooperation = (verbal + material cooperation) - (verbal + material conflict) events.
CREATE OR REPLACE VIEW dyads AS
SELECT
    e.source_actor_id,
    src.name                                                   AS source_name,
    src.country_code                                           AS source_country,
    e.target_actor_id,
    tgt.name                                                   AS target_name,
    tgt.country_code                                           AS target_country,
    count(*)                                                   AS n_events,
    min(e.date_start)                                          AS first_date,
    max(e.date_start)                                          AS last_date,
    count(*) FILTER (WHERE e.quad_class = 1)                   AS n_verbal_cooperation,
    count(*) FILTER (WHERE e.quad_class = 2)                   AS n_material_cooperation,
    count(*) FILTER (WHERE e.quad_class = 3)                   AS n_verbal_conflict,
    count(*) FILTER (WHERE e.quad_class = 4)                   AS n_material_conflict,
    count(*) FILTER (WHERE e.quad_class IN (1, 2))
      - count(*) FILTER (WHERE e.quad_class IN (3, 4))         AS net_cooperation,
    avg(e.goldstein)                                           AS mean_goldstein
FROM events e
LEFT JOIN actors src ON src.actor_id = e.source_actor_id
LEFT JOIN actors tgt ON tgt.actor_id = e.target_actor_id
WHERE e.source_actor_id IS NOT NULL AND e.target_actor_id IS NOT NULL
GROUP BY e.source_actor_id, src.name, src.country_code, e.target_actor_id, tgt.name, tgt.country_code;

-- Per actor and month: events the actor takes part in, as source and as target, and their mean
-- Goldstein value. An event whose source is also its target counts once in n_events and in
-- mean_goldstein, and in both n_as_source and n_as_target.
CREATE OR REPLACE VIEW actor_timeline AS
WITH roles AS (
    SELECT event_id, source_actor_id AS actor_id, TRUE AS as_source, FALSE AS as_target, goldstein, date_start
    FROM events WHERE source_actor_id IS NOT NULL
    UNION ALL
    SELECT event_id, target_actor_id AS actor_id, FALSE AS as_source, TRUE AS as_target, goldstein, date_start
    FROM events WHERE target_actor_id IS NOT NULL
), per_event AS (
    SELECT actor_id, event_id, bool_or(as_source) AS as_source, bool_or(as_target) AS as_target,
           any_value(goldstein) AS goldstein, any_value(date_start) AS date_start
    FROM roles
    GROUP BY actor_id, event_id
)
SELECT
    p.actor_id,
    a.name,
    a.actor_type,
    a.country_code,
    CAST(date_trunc('month', p.date_start) AS DATE)            AS month,
    count(*)                                                   AS n_events,
    count(*) FILTER (WHERE p.as_source)                        AS n_as_source,
    count(*) FILTER (WHERE p.as_target)                        AS n_as_target,
    avg(p.goldstein)                                           AS mean_goldstein
FROM per_event p
LEFT JOIN actors a ON a.actor_id = p.actor_id
GROUP BY p.actor_id, a.name, a.actor_type, a.country_code, CAST(date_trunc('month', p.date_start) AS DATE);

-- The actors for BI tools and CSV: aliases as one string ('; ' between them, in the stored
-- order, which is sorted) instead of a list, which SQLAlchemy and CSV writers read badly.
CREATE OR REPLACE VIEW actors_flat AS
SELECT
    actor_id,
    name,
    actor_type,
    country_code,
    array_to_string(aliases, '; ')                             AS aliases,
    len(aliases)                                               AS n_aliases
FROM actors;
