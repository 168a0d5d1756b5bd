-- The reports asked of this build (source control.report_requests, written by the pipeline), one
-- row each, with the version of the reporting unit that its code names on the period's last day.

{#- report_requests was a dbt var before the control tables: say so rather than ignore it -#}
{%- if var('report_requests', none) is not none %}
{{ exceptions.raise_compiler_error(
    "report_requests is no longer a dbt var: the reports a build makes are the rows of its table "
    "control.report_requests (pipeline.dbt.write_build_parameters, or run_dbt(..., requests=[...]))"
) }}
{%- endif %}

with

requested as (

    select * from {{ ref('stg_control__report_requests') }}

),

units as (

    select * from {{ ref('dim_admin_unit') }}

),

final as (

    select
        requested.reporting_unit_code,
        requested.period_start,
        requested.period_end,
        units.unit_id as reporting_unit_id,
        units.unit_full_name as reporting_unit_name,
        units.unit_kind as reporting_unit_kind,
        {{ period_kind('requested.period_start', 'requested.period_end') }} as period_kind

    from requested
    left join units
        on units.official_code = requested.reporting_unit_code
        and requested.period_end between units.valid_from and coalesce(units.valid_to, date '9999-12-31')

)

select * from final
