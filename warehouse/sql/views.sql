-- Views for SQL users and BI tools. One statement per view.

-- One row per event with everything a chart needs, no joins required.
CREATE OR REPLACE VIEW events_flat AS
SELECT
    e.event_id,
    d.name            AS document_name,
    s.ordinal         AS sentence_ordinal,
    s.text            AS sentence_text,
    e.event_code,
    e.event_root_code,
    e.event_label,
    e.quad_class,
    e.goldstein,
    e.plover_category,
    e.trigger,
    src.name          AS source_name,
    src.actor_type    AS source_type,
    src.country_code  AS source_country,
    tgt.name          AS target_name,
    tgt.actor_type    AS target_type,
    tgt.country_code  AS target_country,
    e.date_start,
    e.date_end,
    e.date_precision,
    e.date_text,
    e.date_source,
    e.location_name,
    e.location_country,
    e.latitude,
    e.longitude,
    e.document_id,
    e.sentence_id
FROM events e
JOIN documents d   ON d.document_id = e.document_id
JOIN sentences s   ON s.sentence_id = e.sentence_id
LEFT JOIN actors src ON src.actor_id = e.source_actor_id
LEFT JOIN actors tgt ON tgt.actor_id = e.target_actor_id;
