-- Every region paired with itself and each region above it, so facts recorded
-- at village level roll up to township, county and city with one join.
with recursive regions as (
    select * from {{ ref('stg_raw__regions') }}
),

ancestry as (
    select
        region_code,
        region_code as ancestor_code,
        region_level as ancestor_level,
        0 as distance
    from regions

    union all

    select
        ancestry.region_code,
        parent.parent_code as ancestor_code,
        grandparent.region_level as ancestor_level,
        ancestry.distance + 1 as distance
    from ancestry
    inner join regions as parent on parent.region_code = ancestry.ancestor_code
    inner join regions as grandparent on grandparent.region_code = parent.parent_code
    where ancestry.distance < 6
),

final as (
    select
        region_code,
        ancestor_code,
        ancestor_level,
        distance,
        region_code || '>' || ancestor_code as ancestry_key
    from ancestry
)

select * from final
