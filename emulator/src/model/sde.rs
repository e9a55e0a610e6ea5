//! Engagement attributes (SDEs) and impression events: their types and field shapes.
//!
//! Checks follow PROTOCOL.md §2. Unknown fields are tolerated (the API is forward compatible);
//! a known field of the wrong JSON type, a missing required field or an unknown `type` rejects
//! the SDE, and with it the whole batch. `null` counts as absent for optional fields.

use serde_json::Value;

/// The JSON shape a field must have.
#[derive(Debug, Clone, Copy)]
enum Shape {
    Str,
    Num,
    /// A whole number (`6` or `6.0`).
    Int,
    /// A whole number within bounds (inclusive).
    IntIn(i64, i64),
    Bool,
    /// Server ids (campaign, engagement, revision): numbers in the docs, opaque to clients, so a
    /// string is accepted too.
    Id,
    /// Fields whose type the docs show inconsistently (a code as `"1"` or `1`): any scalar.
    Scalar,
    /// Fields the docs do not describe at all.
    Any,
    Obj(&'static [Field]),
    Arr(&'static Shape),
}

#[derive(Debug, Clone, Copy)]
struct Field {
    name: &'static str,
    shape: Shape,
    required: bool,
}

const fn opt(name: &'static str, shape: Shape) -> Field {
    Field {
        name,
        shape,
        required: false,
    }
}

const fn req(name: &'static str, shape: Shape) -> Field {
    Field {
        name,
        shape,
        required: true,
    }
}

const PRODUCT: &[Field] = &[
    opt("name", Shape::Str),
    opt("category", Shape::Str),
    opt("sku", Shape::Str),
    opt("price", Shape::Num),
    opt("statusInStock", Shape::Scalar),
    opt("quantityInStock", Shape::Scalar),
];
const PRODUCT_LINE: &[Field] = &[
    opt("product", Shape::Obj(PRODUCT)),
    opt("quantity", Shape::Int),
];
const PRODUCT_LINES: Shape = Shape::Arr(&Shape::Obj(PRODUCT_LINE));

const CART: &[Field] = &[
    req("total", Shape::Num),
    opt("currency", Shape::Str),
    req("numItems", Shape::Int),
    opt("products", PRODUCT_LINES),
];

const PURCHASE_CART: &[Field] = &[
    req("products", PRODUCT_LINES),
    opt("numItems", Shape::Int),
    opt("total", Shape::Num),
];
const PURCHASE: &[Field] = &[
    opt("total", Shape::Num),
    opt("currency", Shape::Str),
    opt("orderId", Shape::Str),
    opt("cart", Shape::Obj(PURCHASE_CART)),
];

const VIEWED_PRODUCT: &[Field] = &[opt("product", Shape::Obj(PRODUCT))];
const PROD_VIEW: &[Field] = &[
    opt("currency", Shape::Str),
    opt("products", Shape::Arr(&Shape::Obj(VIEWED_PRODUCT))),
];

const DATE: &[Field] = &[
    opt("day", Shape::Int),
    opt("month", Shape::Int),
    opt("year", Shape::Int),
];
const CUSTOMER_INFO: &[Field] = &[
    opt("cstatus", Shape::Str),
    opt("ctype", Shape::Str),
    opt("customerId", Shape::Str),
    opt("balance", Shape::Num),
    opt("currency", Shape::Str),
    opt("socialId", Shape::Str),
    opt("imei", Shape::Str),
    opt("userName", Shape::Str),
    opt("companySize", Shape::Scalar),
    opt("companyBranch", Shape::Str),
    opt("accountName", Shape::Str),
    opt("role", Shape::Str),
    opt("lastPaymentDate", Shape::Obj(DATE)),
    opt("registrationDate", Shape::Obj(DATE)),
    opt("loginStatus", Shape::Scalar),
    opt("storeZipCode", Shape::Scalar),
    opt("storeNumber", Shape::Scalar),
];
const CTMRINFO: &[Field] = &[opt("info", Shape::Obj(CUSTOMER_INFO))];

const MARKETING_INFO: &[Field] = &[
    opt("channel", Shape::Scalar),
    opt("affiliate", Shape::Str),
    opt("campaignId", Shape::Str),
];
const MRKTINFO: &[Field] = &[opt("info", Shape::Obj(MARKETING_INFO))];

const AGE: &[Field] = &[
    opt("age", Shape::Num),
    opt("year", Shape::Int),
    opt("month", Shape::Int),
    opt("day", Shape::Int),
];
const ADDRESS: &[Field] = &[opt("country", Shape::Str), opt("region", Shape::Str)];
const CONTACT: &[Field] = &[
    opt("email", Shape::Str),
    opt("phone", Shape::Str),
    opt("phoneType", Shape::Str),
    opt("address", Shape::Obj(ADDRESS)),
];
const PERSON: &[Field] = &[
    opt("firstname", Shape::Str),
    opt("lastname", Shape::Str),
    opt("age", Shape::Obj(AGE)),
    opt("contacts", Shape::Arr(&Shape::Obj(CONTACT))),
    opt("gender", Shape::Str),
    opt("company", Shape::Str),
    opt("language", Shape::Str),
];
const PERSONAL: &[Field] = &[opt("personal", Shape::Obj(PERSON))];

const LEAD_INFO: &[Field] = &[
    opt("topic", Shape::Str),
    opt("value", Shape::Num),
    opt("currency", Shape::Str),
    opt("leadId", Shape::Str),
];
const LEAD: &[Field] = &[opt("lead", Shape::Obj(LEAD_INFO))];

const SERVICE_INFO: &[Field] = &[
    opt("topic", Shape::Str),
    opt("status", Shape::IntIn(0, 13)),
    opt("category", Shape::Str),
    opt("serviceId", Shape::Str),
];
const SERVICE: &[Field] = &[opt("service", Shape::Obj(SERVICE_INFO))];

const ERROR_INFO: &[Field] = &[
    opt("contextId", Shape::Str),
    opt("message", Shape::Str),
    opt("code", Shape::Str),
    opt("level", Shape::Scalar),
    opt("resolved", Shape::Scalar),
];
const ERROR: &[Field] = &[opt("error", Shape::Obj(ERROR_INFO))];

const SEARCH_INFO: &[Field] = &[opt("keywords", Shape::Arr(&Shape::Str))];

const ENGAGEMENT_CONTEXT: &[Field] = &[opt("type", Shape::Str), opt("id", Shape::Str)];
const IMP_WITH_CONTEXT: &[Field] = &[
    opt("campaign", Shape::Id),
    opt("engId", Shape::Id),
    opt("revision", Shape::Id),
    opt("eContext", Shape::Arr(&Shape::Obj(ENGAGEMENT_CONTEXT))),
];
const IMP_EXPANDED: &[Field] = &[
    opt("expanded", Shape::Bool),
    opt("userInit", Shape::Bool),
    opt("actionableItems", Shape::Any),
    opt("campaign", Shape::Id),
    opt("engId", Shape::Id),
    opt("revision", Shape::Id),
];
const IMP_PLAIN: &[Field] = &[
    opt("campaign", Shape::Id),
    opt("engId", Shape::Id),
    opt("revision", Shape::Id),
];

/// The fields of an SDE type and whether it is an impression event; `None` for unknown types.
fn schema(kind: &str) -> Option<(&'static [Field], bool)> {
    let found = match kind {
        "cart" => (CART, false),
        "purchase" => (PURCHASE, false),
        "prodView" => (PROD_VIEW, false),
        "ctmrinfo" => (CTMRINFO, false),
        "mrktInfo" => (MRKTINFO, false),
        "personal" => (PERSONAL, false),
        "lead" => (LEAD, false),
        "service" => (SERVICE, false),
        "error" => (ERROR, false),
        "searchInfo" => (SEARCH_INFO, false),
        "impDisplay" | "impAccept" => (IMP_WITH_CONTEXT, true),
        "impExpanded" => (IMP_EXPANDED, true),
        "impTimeout" | "impClose" => (IMP_PLAIN, true),
        _ => return None,
    };
    Some(found)
}

/// Whether `kind` is an SDE type (not an impression event) the API knows.
pub fn is_attribute_type(kind: &str) -> bool {
    schema(kind).is_some_and(|(_, impression)| !impression)
}

/// Whether a field path below an SDE of type `kind` names a documented field. Arrays are
/// stepped through, so `products.product.price` is known for `cart`. Campaign files use this
/// to warn about likely typos; undocumented fields are still allowed.
pub fn knows_path(kind: &str, path: &[String]) -> bool {
    let Some((mut fields, _)) = schema(kind) else {
        return false;
    };
    let mut parts = path.iter().peekable();
    while let Some(part) = parts.next() {
        let Some(field) = fields.iter().find(|f| f.name == part) else {
            return false;
        };
        let mut shape = field.shape;
        while let Shape::Arr(inner) = shape {
            shape = *inner;
        }
        match shape {
            Shape::Obj(inner) => fields = inner,
            _ => return parts.peek().is_none(),
        }
    }
    true
}

/// One accepted SDE or impression event, as the client sent it.
#[derive(Debug, Clone)]
pub struct Sde {
    pub kind: String,
    pub impression: bool,
    pub body: Value,
}

impl Sde {
    /// The engagement context ids an impression names (`eContext[].id`).
    pub fn context_ids(&self) -> Vec<String> {
        self.body
            .get("eContext")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(|c| c.get("id").and_then(Value::as_str))
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Checks an `engagementAttributes` array. `where_` names it in error messages.
///
/// Impression events are refused unless `allow_impressions` (they belong to `report` only).
pub fn validate_list(
    list: &Value,
    where_: &str,
    allow_impressions: bool,
) -> Result<Vec<Sde>, String> {
    let items = list
        .as_array()
        .ok_or_else(|| format!("{where_} must be an array"))?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| validate_one(item, &format!("{where_}[{i}]"), allow_impressions))
        .collect()
}

fn validate_one(item: &Value, at: &str, allow_impressions: bool) -> Result<Sde, String> {
    let map = item
        .as_object()
        .ok_or_else(|| format!("{at} must be an object"))?;
    let kind = map
        .get("type")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{at}.type must be a string"))?;
    let (fields, impression) = schema(kind)
        .ok_or_else(|| format!("{at}.type {kind:?} is not a known engagement attribute type"))?;
    if impression && !allow_impressions {
        return Err(format!(
            "{at}: impression event {kind:?} is not allowed here"
        ));
    }
    check_fields(item, fields, at)?;
    Ok(Sde {
        kind: kind.to_owned(),
        impression,
        body: item.clone(),
    })
}

fn check_fields(value: &Value, fields: &[Field], at: &str) -> Result<(), String> {
    for field in fields {
        let path = format!("{at}.{}", field.name);
        match value.get(field.name) {
            None | Some(Value::Null) if field.required => {
                return Err(format!("{path} is required"));
            }
            None | Some(Value::Null) => {}
            Some(v) => check_shape(v, field.shape, &path)?,
        }
    }
    Ok(())
}

fn check_shape(value: &Value, shape: Shape, at: &str) -> Result<(), String> {
    let ok = match shape {
        Shape::Str => value.is_string(),
        Shape::Num => value.is_number(),
        Shape::Int => whole(value).is_some(),
        Shape::IntIn(lo, hi) => whole(value).is_some_and(|n| (lo..=hi).contains(&n)),
        Shape::Bool => value.is_boolean(),
        Shape::Id => value.is_string() || whole(value).is_some(),
        Shape::Scalar => value.is_string() || value.is_number() || value.is_boolean(),
        Shape::Any => true,
        Shape::Obj(fields) => {
            if !value.is_object() {
                return Err(format!("{at} must be an object"));
            }
            return check_fields(value, fields, at);
        }
        Shape::Arr(inner) => {
            let items = value
                .as_array()
                .ok_or_else(|| format!("{at} must be an array"))?;
            for (i, item) in items.iter().enumerate() {
                check_shape(item, *inner, &format!("{at}[{i}]"))?;
            }
            return Ok(());
        }
    };
    if ok {
        Ok(())
    } else {
        Err(format!("{at} must be {}", describe(shape)))
    }
}

/// The value as a whole number, if it is one (`6` or `6.0`).
fn whole(value: &Value) -> Option<i64> {
    if let Some(n) = value.as_i64() {
        return Some(n);
    }
    let f = value.as_f64()?;
    // Whole floats within i64 range only; the cast is exact for them.
    (f.fract() == 0.0 && f.abs() < 9.0e15).then_some(f as i64)
}

fn describe(shape: Shape) -> &'static str {
    match shape {
        Shape::Str => "a string",
        Shape::Num => "a number",
        Shape::Int => "a whole number",
        Shape::IntIn(..) => "a whole number in range",
        Shape::Bool => "a boolean",
        Shape::Id => "a number or a string",
        Shape::Scalar => "a string, number or boolean",
        Shape::Any => "anything",
        Shape::Obj(_) => "an object",
        Shape::Arr(_) => "an array",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(list: Value, impressions: bool) -> Result<Vec<Sde>, String> {
        validate_list(&list, "engagementAttributes", impressions)
    }

    #[test]
    fn accepts_documented_examples() {
        let list = json!([
            {"type": "cart", "total": 11.7, "currency": "USD", "numItems": 6,
             "products": [{"product": {"name": "prod1", "category": "category", "sku": "sku", "price": 7.8}, "quantity": 1}]},
            {"type": "purchase", "total": 11.7, "orderId": "DRV1534XC",
             "cart": {"products": [{"product": {"name": "antivirus pro plan", "price": 7.8}, "quantity": 3}]}},
            {"type": "prodView", "products": [{"product": {"name": "shoe", "price": 77.8}}]},
            {"type": "ctmrinfo", "info": {"cstatus": "cancelled", "balance": -400.99,
             "lastPaymentDate": {"day": 15, "month": 10, "year": 2014}}},
            {"type": "mrktInfo", "info": {"channel": "1", "affiliate": "Yahoo"}},
            {"type": "personal", "personal": {"firstname": "John", "age": {"age": 34, "year": 1980},
             "contacts": [{"email": "a@example.com", "address": {"country": "US"}}], "gender": "MALE"}},
            {"type": "lead", "lead": {"topic": "car", "value": 22.22, "leadId": "xyz123"}},
            {"type": "service", "service": {"topic": "checkbook", "status": 0}},
            {"type": "error", "error": {"contextId": null, "message": "Expiration date missing", "code": "er100004"}},
            {"type": "searchInfo", "keywords": ["a", "b"]}
        ]);
        let sdes = check(list, false).unwrap_or_default();
        assert_eq!(sdes.len(), 10);
        assert!(sdes.iter().all(|s| !s.impression));
    }

    #[test]
    fn rejects_wrong_types_and_unknown_kinds() {
        assert!(check(
            json!([{"type": "cart", "total": "11.7", "numItems": 1}]),
            false
        )
        .is_err());
        assert!(check(json!([{"type": "cart", "total": 1}]), false).is_err());
        assert!(check(
            json!([{"type": "service", "service": {"status": 14}}]),
            false
        )
        .is_err());
        assert!(check(json!([{"type": "searchInfo", "keywords": [1]}]), false).is_err());
        assert!(check(json!([{"type": "nope"}]), false).is_err());
        assert!(check(json!([{"total": 1}]), false).is_err());
        assert!(check(json!({"type": "cart"}), false).is_err());
    }

    #[test]
    fn impressions_only_where_allowed() {
        let imp = json!([{"type": "impDisplay", "engId": 1, "eContext": [{"type": "engagementContext", "id": "c1"}]}]);
        assert!(check(imp.clone(), false).is_err());
        let sdes = check(imp, true).unwrap_or_default();
        assert_eq!(sdes.len(), 1);
        assert_eq!(
            sdes.first().map(Sde::context_ids),
            Some(vec!["c1".to_owned()])
        );
    }
}
