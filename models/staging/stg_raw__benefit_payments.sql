with source as (
    select * from {{ source('raw', 'benefit_payments') }}
),

renamed as (
    select
        payment_batch,
        benefit_month,
        household_id,
        id_number,
        category,
        {{ programme_of('category') }} as programme,
        amount_yuan,
        paid_on,
        payment_method,
        source_file,
        source_row
    from source
)

select * from renamed
