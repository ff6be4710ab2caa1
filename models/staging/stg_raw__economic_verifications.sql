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
        -- domain.md: a mismatch is 不符合 only; 疑似不符待核实 is its own count
        result = '不符合' as is_mismatch,
        result = '疑似不符待核实' as is_suspected_mismatch
    from source
)

select * from renamed
