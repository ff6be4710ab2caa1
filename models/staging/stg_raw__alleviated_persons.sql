with source as (
    select * from {{ source('raw', 'alleviated_persons') }}
),

renamed as (
    select
        snapshot_on,
        household_id,
        id_number,
        person_name,
        region_code,
        case person_type
            when '脱贫人口' then 'alleviated'
            when '防止返贫监测对象' then 'relapse_watch'
        end as person_type,
        risk_eliminated = '是' as is_risk_eliminated
    from source
)

select * from renamed
