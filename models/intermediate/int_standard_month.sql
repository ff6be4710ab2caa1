-- The urban and rural dibao standards (kind 2) in force in each county on the
-- last day of each month: per county and standard type, the row with the
-- latest effective date (生效日期) on or before that day. Yearly standards
-- count as their monthly twelfth (stg_raw__standards). Standards are set per
-- county (source-exports.md); the city may have its own row too, which is the
-- city's figure where there is one (domain.md, "city-level standards"). Rows
-- for townships and villages are not used.
with months as (
    select * from {{ ref('dim_month') }}
),

counties as (
    select region_code, region_level from {{ ref('dim_region') }}
    where region_level in ('city', 'county')
),

standards as (
    select * from {{ ref('stg_raw__standards') }}
    where standard_type in ('城市低保', '农村低保')
),

in_force as (
    select distinct on (months.month_start, standards.region_code, standards.standard_type)
        months.month_start,
        months.month_end,
        standards.region_code,
        counties.region_level,
        standards.standard_type,
        standards.monthly_amount_yuan,
        standards.effective_on
    from months
    inner join standards on standards.effective_on <= months.month_end
    inner join counties on counties.region_code = standards.region_code
    order by months.month_start, standards.region_code, standards.standard_type, standards.effective_on desc
),

final as (
    select
        month_start || ':' || region_code as county_month_key,
        month_start,
        month_end as in_force_on,
        region_code,
        region_level,
        max(monthly_amount_yuan) filter (where standard_type = '城市低保') as urban_dibao_standard_yuan,
        max(effective_on) filter (where standard_type = '城市低保') as urban_dibao_effective_on,
        max(monthly_amount_yuan) filter (where standard_type = '农村低保') as rural_dibao_standard_yuan,
        max(effective_on) filter (where standard_type = '农村低保') as rural_dibao_effective_on
    from in_force
    group by month_start, month_end, region_code, region_level
)

select * from final
