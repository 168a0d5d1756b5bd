-- Awards that cannot exist under the Law on Emulation and Commendation, counted per rule
-- (lhs = lines breaking the rule, rhs = 0): flags and "excellent labour collective" go to
-- collectives only, emulation-fighter titles to individuals only, and the Prime Minister gives
-- only flags and certificates of merit. One row per rule and register (load_ids), with the lines
-- breaking the rule in source_rows; no awards, no rows.

with

awards as (

    select * from marts.fct_awards

),

rules as (

    select
        load_id,
        source_row_number,
        award_type in ('emulation_flag', 'excellent_labour_collective') and recipient_kind <> 'collective' as collective_only,
        award_type in ('province_emulation_fighter', 'grassroots_emulation_fighter') and recipient_kind <> 'individual' as individual_only,
        giver_level = 'prime_minister' and award_type not in ('emulation_flag', 'certificate_of_merit') as prime_minister

    from awards

),

checks as (

    select 'flags and excellent-labour titles go to collectives' as check_name,
        'cờ thi đua và danh hiệu tập thể lao động xuất sắc chỉ tặng tập thể' as check_vi,
        load_id, count(*) filter (where collective_only) as lhs,
        string_agg(source_row_number::varchar, ', ' order by source_row_number) filter (where collective_only) as source_rows
    from rules
    group by load_id

    union all

    select 'emulation-fighter titles go to individuals', 'danh hiệu chiến sĩ thi đua chỉ tặng cá nhân',
        load_id, count(*) filter (where individual_only),
        string_agg(source_row_number::varchar, ', ' order by source_row_number) filter (where individual_only)
    from rules
    group by load_id

    union all

    select 'the Prime Minister gives flags and certificates of merit',
        'Thủ tướng Chính phủ chỉ tặng cờ thi đua và bằng khen',
        load_id, count(*) filter (where prime_minister),
        string_agg(source_row_number::varchar, ', ' order by source_row_number) filter (where prime_minister)
    from rules
    group by load_id

)

select check_name, check_vi, load_id as scope, lhs::bigint as lhs, 0::bigint as rhs, load_id as load_ids, source_rows
from checks
order by all
