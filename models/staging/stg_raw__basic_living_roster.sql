with source as (
    select * from {{ source('raw', 'basic_living_roster') }}
),

renamed as (
    select
        stat_month,
        household_id,
        id_number,
        person_name,
        relation_to_head,
        region_code,
        category,
        case when category in ('城市低保', '农村低保') then 'dibao' else 'tekun' end as programme,
        case when category in ('城市低保', '城市特困') then 'urban' else 'rural' end as urban_rural,
        care_mode,
        care_level,
        enrolled_on,
        monthly_benefit_yuan
    from source
)

select * from renamed
