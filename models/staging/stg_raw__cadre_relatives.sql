with source as (
    select * from {{ source('raw', 'cadre_relatives') }}
),

renamed as (
    select
        list_on,
        cadre_id_number,
        cadre_name,
        work_unit,
        post,
        region_code as cadre_region_code,
        relative_id_number,
        relative_name,
        relation,
        filed_on,
        source_file,
        source_row
    from source
)

select * from renamed
