with source as (
    select * from {{ source('raw', 'economic_verifications') }}
),

renamed as (
    select
        verification_id,
        verified_on,
        date_trunc('month', verified_on)::date as verified_month,
        id_number,
        region_code,
        verification_type,
        result,
        result <> '符合' as is_mismatch
    from source
)

select * from renamed
