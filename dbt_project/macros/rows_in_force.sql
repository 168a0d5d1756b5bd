{#- Submissions with coverage: which rows count.

    A workbook covers a period (raw._loads.coverage_start/coverage_end: its year, or the month,
    quarter, half-year or date range its title block names). A later accepted workbook of the same
    unit and source replaces an earlier one's rows only where it covers them: a row dated within
    the later workbook's period no longer counts; the earlier workbook's other rows still do. So
    monthly workbooks add up, a corrected month replaces that month alone, a full-year workbook
    replaces the months before it, and an earlier version sent again (it arrives again, so it is
    the latest) counts again. "Later" is arrival order (stg_landing__loads.arrival_order).

    The rule is written once, in superseded_within(); rows_in_force() applies it to a staging
    model's rows and stg_landing__loads.is_current to a load's whole period. -#}

{#- True when a later accepted load of the same source and unit as `load` covers every day from
    `row_from` to `row_to`. `loads` is the relation or CTE holding the loads. -#}
{% macro superseded_within(loads, load, row_from, row_to) %}
    exists (
        select 1
        from {{ loads }} as later
        where later.source_id = {{ load }}.source_id
            and later.unit_id = {{ load }}.unit_id
            and later.status = 'accepted'
            and later.arrival_order > {{ load }}.arrival_order
            and later.coverage_start <= {{ row_from }}
            and {{ row_to }} <= later.coverage_end
    )
{% endmacro %}

{#- The rows of a staging model that count, with their unit_id, their load's report_year and coverage.
    `row_from` / `row_to`: SQL over `source_rows` (and `loads`) giving the days a row is about: its
    date (the column the registry marks within_year, which ingestion keeps inside the workbook's
    period), or a month's first and last day. A source whose rows carry no such date passes none:
    its rows are about the workbook's whole period, and are replaced by a later workbook that
    covers all of it. -#}
{% macro rows_in_force(staging_model, row_from=none, row_to=none) %}
    {%- set row_from = row_from or 'loads.coverage_start' -%}
    {%- set row_to = row_to or (row_from if row_from != 'loads.coverage_start' else 'loads.coverage_end') -%}
    select
        source_rows.* exclude (row_unit_id),
        {#- the unit version valid on the row's date, which ingestion records per row (a 2025
            register of Phường Đoàn Kết holds the old ward's lines until 30/6 and the merged
            ward's after); lines loaded before that was recorded keep their load's unit -#}
        coalesce(source_rows.row_unit_id, loads.unit_id) as unit_id,
        loads.report_year,
        loads.coverage_start,
        loads.coverage_end

    from {{ ref(staging_model) }} as source_rows
    inner join {{ ref('stg_landing__loads') }} as loads
        on source_rows.load_id = loads.load_id
    where loads.status = 'accepted'
        and not {{ superseded_within(ref('stg_landing__loads'), 'loads', row_from, row_to) }}
{% endmacro %}
