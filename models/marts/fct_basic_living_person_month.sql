{{ config(indexes=[{'columns': ['stat_month', 'id_number']}]) }}
-- One row per person per month on the dibao/tekun roster. A person on both
-- rosters, or in two regions, counts once here (tekun first); the integrity
-- marts report such duplicates.
with roster as (
    select * from {{ ref('stg_raw__basic_living_roster') }}
),

deduplicated as (
    select distinct on (stat_month, id_number)
        stat_month,
        id_number,
        household_id,
        region_code,
        programme,
        category,
        urban_rural,
        care_mode,
        care_level,
        monthly_benefit_yuan
    from roster
    order by stat_month, id_number, programme desc, region_code
),

final as (
    select
        stat_month || ':' || id_number as person_month_key,
        *
    from deduplicated
)

select * from final
