with source as (
    select * from {{ source('raw', 'regions') }}
),

renamed as (
    select
        region_code,
        region_name,
        case level_name
            when '市' then 'city'
            when '区县' then 'county'
            when '乡镇街道' then 'township'
            when '村社区' then 'village'
        end as region_level,
        parent_code,
        urban_rural,
        registered_population
    from source
)

select * from renamed
