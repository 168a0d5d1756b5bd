-- Awards that cannot exist under the Law on Emulation and Commendation, counted per rule
-- (lhs = lines breaking the rule, rhs = 0): flags and "excellent labour collective" go to
-- collectives only, emulation-fighter titles to individuals only, and the Prime Minister gives
-- only flags and certificates of merit.

with

awards as (

    select * from marts.fct_awards

),

rules as (

    select 'flags and excellent-labour titles go to collectives' as check_name,
        count(*) filter (where award_type in ('emulation_flag', 'excellent_labour_collective') and recipient_kind <> 'collective') as lhs
    from awards

    union all

    select 'emulation-fighter titles go to individuals',
        count(*) filter (where award_type in ('province_emulation_fighter', 'grassroots_emulation_fighter') and recipient_kind <> 'individual')
    from awards

    union all

    select 'the Prime Minister gives flags and certificates of merit',
        count(*) filter (where giver_level = 'prime_minister' and award_type not in ('emulation_flag', 'certificate_of_merit'))
    from awards

)

select check_name, 'all' as scope, lhs::bigint as lhs, 0::bigint as rhs
from rules
order by all
