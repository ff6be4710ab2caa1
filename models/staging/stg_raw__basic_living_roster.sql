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
        {{ programme_of('category') }} as programme,
        {{ urban_rural_of('category') }} as urban_rural,
        care_mode,
        care_level,
        enrolled_on,
        monthly_benefit_yuan
    from source
)

select * from renamed
