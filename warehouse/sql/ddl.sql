-- Tables of the eventledger warehouse (see WAREHOUSE.md for the contract).
-- Column order and types mirror transforms/schemas.py; a test keeps them in step.

CREATE TABLE documents (
    document_id   VARCHAR PRIMARY KEY,
    name          VARCHAR NOT NULL,
    source_uri    VARCHAR NOT NULL,
    sha256        VARCHAR NOT NULL,
    n_sentences   INTEGER NOT NULL,
    ingested_at   TIMESTAMPTZ NOT NULL,
    run_id        VARCHAR NOT NULL,
    status        VARCHAR NOT NULL,
    encoding      VARCHAR,
    n_chars       BIGINT NOT NULL,
    note          VARCHAR,
    extractor_fingerprint VARCHAR
);

CREATE TABLE sentences (
    sentence_id   VARCHAR PRIMARY KEY,
    document_id   VARCHAR NOT NULL,
    ordinal       INTEGER NOT NULL,
    text          VARCHAR NOT NULL,
    raw_text      VARCHAR NOT NULL,
    char_start    BIGINT NOT NULL,
    char_end      BIGINT NOT NULL
);

CREATE TABLE citations (
    sentence_id   VARCHAR NOT NULL,
    marker        VARCHAR NOT NULL,
    position      INTEGER NOT NULL,
    PRIMARY KEY (sentence_id, position)
);

CREATE TABLE actors (
    actor_id      VARCHAR PRIMARY KEY,
    name          VARCHAR NOT NULL,
    actor_type    VARCHAR NOT NULL,
    country_code  VARCHAR,
    aliases       VARCHAR[] NOT NULL
);

CREATE TABLE events (
    event_id         VARCHAR PRIMARY KEY,
    document_id      VARCHAR NOT NULL,
    sentence_id      VARCHAR NOT NULL,
    event_code       VARCHAR NOT NULL,
    event_root_code  VARCHAR NOT NULL,
    event_label      VARCHAR,
    quad_class       TINYINT NOT NULL,
    goldstein        DOUBLE NOT NULL,
    plover_category  VARCHAR,
    trigger          VARCHAR NOT NULL,
    source_actor_id  VARCHAR,
    target_actor_id  VARCHAR,
    date_start       DATE,
    date_end         DATE,
    date_precision   VARCHAR NOT NULL,
    date_text        VARCHAR,
    date_source      VARCHAR NOT NULL,
    location_name    VARCHAR,
    location_country VARCHAR,
    latitude         DOUBLE,
    longitude        DOUBLE
);

CREATE TABLE pipeline_runs (
    run_id             VARCHAR PRIMARY KEY,
    started_at         TIMESTAMPTZ NOT NULL,
    finished_at        TIMESTAMPTZ,
    status             VARCHAR NOT NULL,
    n_documents        BIGINT NOT NULL,
    n_sentences        BIGINT NOT NULL,
    n_events           BIGINT NOT NULL,
    validation_success BOOLEAN,
    message            VARCHAR,
    n_extracted        BIGINT NOT NULL,
    n_reused           BIGINT NOT NULL,
    n_files_skipped    BIGINT NOT NULL,
    n_quarantined      BIGINT NOT NULL,
    extractor_fingerprint VARCHAR
);

-- Rows held back by a row-level quality rule; one row per (row, rule).
CREATE TABLE quarantine (
    table_name    VARCHAR NOT NULL,
    row_id        VARCHAR NOT NULL,
    document_id   VARCHAR NOT NULL,
    sentence_id   VARCHAR,
    rule          VARCHAR NOT NULL,
    reason        VARCHAR NOT NULL,
    run_id        VARCHAR NOT NULL,
    payload       VARCHAR,
    PRIMARY KEY (table_name, row_id, rule)
);

-- Every input file of every run: status, outcome and reason.
CREATE TABLE input_files (
    run_id        VARCHAR NOT NULL,
    path          VARCHAR NOT NULL,
    name          VARCHAR NOT NULL,
    status        VARCHAR NOT NULL,
    outcome       VARCHAR NOT NULL,
    reason        VARCHAR,
    note          VARCHAR,
    document_id   VARCHAR,
    n_bytes       BIGINT,
    encoding      VARCHAR,
    PRIMARY KEY (run_id, path)
);

-- Great Expectations checkpoint results, one row per expectation per run.
CREATE TABLE validation_results (
    run_id           VARCHAR NOT NULL,
    table_name       VARCHAR NOT NULL,
    expectation      VARCHAR NOT NULL,
    column_name      VARCHAR,
    success          BOOLEAN NOT NULL,
    unexpected_count BIGINT,
    details          VARCHAR
);
