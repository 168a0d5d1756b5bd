-- Personnel decisions counted in each report request, by the day of the decision. The education
-- sector (sự nghiệp GD&ĐT) is recognised once here, with or without diacritics; a row with no
-- sector is not education.

with

counted as (

    {{ report_rows('fct_personnel_actions', 'fact.decided_on') }}

),

sectors as (

    select
        *,
        strip_accents(replace(lower(coalesce(sector, '')), 'đ', 'd')) as sector_folded
    from counted

)

select
    * exclude (sector_folded),
    sector_folded like '%gd%dt%' or sector_folded like '%giao duc%' as is_education_sector
from sectors
