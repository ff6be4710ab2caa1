with source as (
    select * from {{ source('raw', 'deaths') }}
),

renamed as (
    select
        id_number,
        person_name,
        died_on,
        data_source
    from source
)

select * from renamed
