{{ config(materialized='view') }}
-- Where, and under which name, each person is registered in each month: the
-- dibao/tekun roster first (its listing that counts, int_basic_living_listing,
-- so a finding lands where the person is counted), then the low-income
-- roster. Payments and death records carry no region, so the integrity checks
-- place their findings here (the month's own roster, else the closest month).
-- A view: the checks join it only for the few persons they flag.
with basic_living as (
    select
        stat_month as month_start,
        id_number,
        person_name,
        region_code,
        1 as source_rank
    from {{ ref('int_basic_living_listing') }}
    where is_counted
),

low_income as (
    select
        stat_month as month_start,
        id_number,
        person_name,
        region_code,
        2 as source_rank
    from {{ ref('stg_raw__low_income_roster') }}
),

final as (
    select * from basic_living
    union all
    select * from low_income
)

select * from final
