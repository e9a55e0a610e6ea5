//! Engagement attributes (SDEs): a compact schema of every documented type and a validator that
//! walks a value against it.
//!
//! The server drops a whole batch when one SDE is malformed (400/5), so lpmon checks the batch
//! before sending and names the offending field. Only `type` and the fields marked required must
//! be present; unknown fields are allowed (the format is forward compatible); a known field with
//! the wrong JSON type is an error.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::core::error::Error;
use crate::core::json::{uint_text, Json};

/// The JSON shape a field must have. Kept to 8 bytes (a tag and one pointer on wasm32): the
/// tables below are data in every page's download.
#[derive(Clone, Copy)]
enum Kind {
    Str,
    Num,
    /// A whole number in an inclusive range.
    /// Any whole number.
    Whole,
    /// A whole number of at least 0.
    Count,
    /// A whole number in a small inclusive range.
    Int(u8, u8),
    Bool,
    /// A string or a number (ids that page code writes either way).
    Scalar,
    /// One of these strings.
    OneOf(&'static Words),
    Obj(&'static Fields),
    /// An array whose elements have this shape.
    Arr(&'static Kind),
}

/// The fields of an object (a slice behind one pointer keeps `Kind` small).
struct Fields(&'static [Field]);
/// The strings of `Kind::OneOf`.
struct Words(&'static [&'static str]);

struct Field {
    name: &'static str,
    kind: Kind,
    required: bool,
}

const fn f(name: &'static str, kind: Kind) -> Field {
    Field {
        name,
        kind,
        required: false,
    }
}

const fn req(name: &'static str, kind: Kind) -> Field {
    Field {
        name,
        kind,
        required: true,
    }
}

const PRODUCT: &[Field] = &[
    f("name", Kind::Str),
    f("category", Kind::Str),
    f("sku", Kind::Scalar),
    f("price", Kind::Num),
    f("statusInStock", Kind::Scalar),
    f("quantityInStock", Kind::Num),
];
const PRODUCT_LINE: Kind = Kind::Obj(&Fields(&[
    f("product", Kind::Obj(&Fields(PRODUCT))),
    f("quantity", Kind::Count),
]));
const PRODUCT_LINES: Kind = Kind::Arr(&PRODUCT_LINE);
const DATE: Kind = Kind::Obj(&Fields(&[
    f("day", Kind::Int(1, 31)),
    f("month", Kind::Int(1, 12)),
    f("year", Kind::Whole),
]));
const CONTEXT: Kind = Kind::Obj(&Fields(&[req("type", Kind::Str), req("id", Kind::Scalar)]));
const IMPRESSION: &[Field] = &[
    req("campaign", Kind::Scalar),
    req("engId", Kind::Scalar),
    f("revision", Kind::Scalar),
    f("eContext", Kind::Arr(&CONTEXT)),
];
const IMPRESSION_SHORT: &[Field] = &[
    req("campaign", Kind::Scalar),
    req("engId", Kind::Scalar),
    f("revision", Kind::Scalar),
];

/// Every SDE type: name, fields, and whether it is an impression event (report only).
const TYPES: &[(&str, &[Field], bool)] = &[
    (
        "cart",
        &[
            req("total", Kind::Num),
            f("currency", Kind::Str),
            req("numItems", Kind::Count),
            f("products", PRODUCT_LINES),
        ],
        false,
    ),
    (
        "purchase",
        &[
            f("total", Kind::Num),
            f("currency", Kind::Str),
            f("orderId", Kind::Scalar),
            f(
                "cart",
                Kind::Obj(&Fields(&[
                    req("products", PRODUCT_LINES),
                    f("numItems", Kind::Count),
                ])),
            ),
        ],
        false,
    ),
    (
        "prodView",
        &[
            f("currency", Kind::Str),
            f(
                "products",
                Kind::Arr(&Kind::Obj(&Fields(&[f(
                    "product",
                    Kind::Obj(&Fields(PRODUCT)),
                )]))),
            ),
        ],
        false,
    ),
    (
        "ctmrinfo",
        &[f(
            "info",
            Kind::Obj(&Fields(&[
                f("cstatus", Kind::Str),
                f("ctype", Kind::Str),
                f("customerId", Kind::Scalar),
                f("balance", Kind::Num),
                f("currency", Kind::Str),
                f("socialId", Kind::Scalar),
                f("imei", Kind::Scalar),
                f("userName", Kind::Str),
                f("companySize", Kind::Num),
                f("companyBranch", Kind::Str),
                f("accountName", Kind::Str),
                f("role", Kind::Str),
                f("lastPaymentDate", DATE),
                f("registrationDate", DATE),
                f("loginStatus", Kind::Scalar),
                f("storeZipCode", Kind::Scalar),
                f("storeNumber", Kind::Scalar),
            ])),
        )],
        false,
    ),
    (
        "mrktInfo",
        &[f(
            "info",
            Kind::Obj(&Fields(&[
                f("channel", Kind::Scalar),
                f("affiliate", Kind::Str),
                f("campaignId", Kind::Scalar),
            ])),
        )],
        false,
    ),
    (
        "personal",
        &[f(
            "personal",
            Kind::Obj(&Fields(&[
                f("firstname", Kind::Str),
                f("lastname", Kind::Str),
                f(
                    "age",
                    Kind::Obj(&Fields(&[
                        f("age", Kind::Num),
                        f("year", Kind::Whole),
                        f("month", Kind::Int(1, 12)),
                        f("day", Kind::Int(1, 31)),
                    ])),
                ),
                f(
                    "contacts",
                    Kind::Arr(&Kind::Obj(&Fields(&[
                        f("email", Kind::Str),
                        f("phone", Kind::Scalar),
                        f("phoneType", Kind::Str),
                        f(
                            "address",
                            Kind::Obj(&Fields(&[f("country", Kind::Str), f("region", Kind::Str)])),
                        ),
                    ]))),
                ),
                f("gender", Kind::OneOf(&Words(&["MALE", "FEMALE", "OTHER"]))),
                f("company", Kind::Str),
                f("language", Kind::Str),
            ])),
        )],
        false,
    ),
    (
        "lead",
        &[f(
            "lead",
            Kind::Obj(&Fields(&[
                f("topic", Kind::Str),
                f("value", Kind::Num),
                f("currency", Kind::Str),
                f("leadId", Kind::Scalar),
            ])),
        )],
        false,
    ),
    (
        "service",
        &[f(
            "service",
            Kind::Obj(&Fields(&[
                f("topic", Kind::Str),
                f("status", Kind::Int(0, 13)),
                f("category", Kind::Str),
                f("serviceId", Kind::Scalar),
            ])),
        )],
        false,
    ),
    (
        "error",
        &[f(
            "error",
            Kind::Obj(&Fields(&[
                f("contextId", Kind::Scalar),
                f("message", Kind::Str),
                f("code", Kind::Scalar),
                f("level", Kind::Scalar),
                f("resolved", Kind::Bool),
            ])),
        )],
        false,
    ),
    ("searchInfo", &[f("keywords", Kind::Arr(&Kind::Str))], false),
    ("impDisplay", IMPRESSION, true),
    ("impAccept", IMPRESSION, true),
    (
        "impExpanded",
        &[
            req("campaign", Kind::Scalar),
            req("engId", Kind::Scalar),
            f("revision", Kind::Scalar),
            f("expanded", Kind::Bool),
            f("userInit", Kind::Bool),
            f("actionableItems", Kind::Arr(&Kind::Scalar)),
        ],
        true,
    ),
    ("impTimeout", IMPRESSION_SHORT, true),
    ("impClose", IMPRESSION_SHORT, true),
];

/// Where an SDE may be sent.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Target {
    /// The engagement call: impression events are not allowed.
    Engagement,
    /// The report call: everything is allowed.
    Report,
}

/// True when `sde` is an impression event (`impDisplay`, `impAccept`, ...).
pub fn is_impression(sde: &Json) -> bool {
    let ty = sde.get("type").and_then(Json::as_str);
    TYPES.iter().any(|(name, _, imp)| *imp && Some(*name) == ty)
}

/// Checks a batch of SDEs; the error names the first bad field, e.g.
/// `engagementAttributes[1].total must be a number`.
pub fn validate_all(list: &Json, target: Target) -> Result<(), Error> {
    let Some(items) = list.as_arr() else {
        return Err(Error::invalid(&["engagementAttributes must be an array"]));
    };
    for (i, sde) in items.iter().enumerate() {
        let mut path = String::from("engagementAttributes[");
        path.push_str(&uint_text(i as u64));
        path.push(']');
        validate_one(sde, target, &mut path)?;
    }
    Ok(())
}

fn validate_one(sde: &Json, target: Target, path: &mut String) -> Result<(), Error> {
    if sde.as_obj().is_none() {
        return Err(Error::invalid(&[path, " must be an object"]));
    }
    let Some(ty) = sde.get("type").and_then(Json::as_str) else {
        return Err(Error::invalid(&[path, ".type must be a string"]));
    };
    let Some((_, fields, impression)) = TYPES.iter().find(|(name, _, _)| *name == ty) else {
        return Err(Error::invalid(&[path, ": unknown SDE type '", ty, "'"]));
    };
    if *impression && target == Target::Engagement {
        return Err(Error::invalid(&[
            path,
            ": impression event '",
            ty,
            "' can only be sent with report",
        ]));
    }
    check_fields(sde, fields, path)
}

fn check_fields(obj: &Json, fields: &[Field], path: &mut String) -> Result<(), Error> {
    for field in fields {
        let len = path.len();
        path.push('.');
        path.push_str(field.name);
        match obj.get(field.name) {
            None | Some(Json::Null) if field.required => {
                return Err(Error::invalid(&[path, " is required"]));
            }
            // null is how page code says "unknown"; the server's own answers use it the same way.
            None | Some(Json::Null) => {}
            Some(v) => check(v, field.kind, path)?,
        }
        path.truncate(len);
    }
    Ok(())
}

fn check(v: &Json, kind: Kind, path: &mut String) -> Result<(), Error> {
    let ok = match (kind, v) {
        (Kind::Str, Json::Str(_)) | (Kind::Num, Json::Num(_)) | (Kind::Bool, Json::Bool(_)) => true,
        (Kind::Scalar, Json::Str(_) | Json::Num(_)) => true,
        (Kind::Whole, Json::Num(_)) => v.as_i64().is_some(),
        (Kind::Count, Json::Num(_)) => matches!(v.as_i64(), Some(n) if n >= 0),
        (Kind::Int(lo, hi), Json::Num(_)) => {
            matches!(v.as_i64(), Some(n) if n >= i64::from(lo) && n <= i64::from(hi))
        }
        (Kind::OneOf(words), Json::Str(s)) => words.0.contains(&s.as_str()),
        (Kind::Obj(fields), Json::Obj(_)) => return check_fields(v, fields.0, path),
        (Kind::Arr(inner), Json::Arr(items)) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push('[');
                path.push_str(&uint_text(i as u64));
                path.push(']');
                check(item, *inner, path)?;
                path.truncate(len);
            }
            true
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(&[path, " must be ", describe(kind)]))
    }
}

fn describe(kind: Kind) -> &'static str {
    match kind {
        Kind::Str => "a string",
        Kind::Num => "a number",
        Kind::Int(0, 13) => "an integer from 0 to 13",
        Kind::Int(1, 12) => "an integer from 1 to 12",
        Kind::Int(1, 31) => "an integer from 1 to 31",
        Kind::Count => "a whole number of at least 0",
        Kind::Whole | Kind::Int(..) => "a whole number",
        Kind::Bool => "true or false",
        Kind::Scalar => "a string or a number",
        Kind::OneOf(_) => "MALE, FEMALE or OTHER",
        Kind::Obj(_) => "an object",
        Kind::Arr(_) => "an array",
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn check_text(text: &str, target: Target) -> Result<(), Error> {
        validate_all(&Json::parse(text).unwrap(), target)
    }

    fn message(text: &str, target: Target) -> String {
        check_text(text, target).unwrap_err().message()
    }

    #[test]
    fn every_documented_type_passes() {
        let all = r#"[
          {"type":"cart","total":11.7,"currency":"USD","numItems":6,
           "products":[{"product":{"name":"prod1","category":"category","sku":"sku","price":7.8},"quantity":1}]},
          {"type":"purchase","total":11.7,"currency":"USD","orderId":"DRV1534XC",
           "cart":{"products":[{"product":{"name":"antivirus pro plan","category":"software","sku":"xyz001","price":7.8},"quantity":3}]}},
          {"type":"prodView","currency":"USD","products":[{"product":{"name":"shoe","category":"women shoes","sku":"xyz567","price":77.8,"statusInStock":"IN_STOCK","quantityInStock":3}}]},
          {"type":"ctmrinfo","info":{"cstatus":"cancelled","ctype":"vip","customerId":"138766AC","balance":-400.99,"currency":"USD",
           "socialId":"11256324780","imei":"3543546543545688","userName":"user000","companySize":500,"accountName":"bank corp",
           "role":"broker","lastPaymentDate":{"day":15,"month":10,"year":2014},"registrationDate":{"day":23,"month":5,"year":2013},
           "storeNumber":"123865","storeZipCode":"20505","loginStatus":4}},
          {"type":"mrktInfo","info":{"channel":"1","affiliate":"Yahoo","campaignId":"US coupon campaign"}},
          {"type":"personal","personal":{"firstname":"John","lastname":"Doe","age":{"age":34,"year":1980,"month":4,"day":15},
           "contacts":[{"email":"myname@example.com","phone":"+1 212-788-8877","phoneType":"MOBILE","address":{"country":"US","region":"NY"}}],
           "gender":"MALE","company":"company","language":"en-US"}},
          {"type":"lead","lead":{"topic":"luxury car test drive 2015","value":22.22,"currency":"USD","leadId":"xyz123"}},
          {"type":"service","service":{"topic":"order checkbook","status":0,"category":"finance","serviceId":"service12"}},
          {"type":"error","error":{"contextId":"2","message":"Expiration date missing","code":"er100004","level":10,"resolved":false}},
          {"type":"searchInfo","keywords":["credit card","payment"]}
        ]"#;
        check_text(all, Target::Engagement).unwrap();
        check_text(all, Target::Report).unwrap();
    }

    #[test]
    fn impressions_only_in_report() {
        let imp = r#"[{"type":"impDisplay","campaign":2739012212,"engId":2739012312,"revision":4,
            "eContext":[{"type":"engagementContext","id":"ctx-1"}]},
            {"type":"impExpanded","campaign":1,"engId":2,"revision":3,"expanded":true,"userInit":true},
            {"type":"impClose","campaign":1,"engId":2}]"#;
        check_text(imp, Target::Report).unwrap();
        assert_eq!(
            message(imp, Target::Engagement),
            "engagementAttributes[0]: impression event 'impDisplay' can only be sent with report"
        );
        assert!(is_impression(
            &Json::parse(r#"{"type":"impAccept"}"#).unwrap()
        ));
        assert!(!is_impression(&Json::parse(r#"{"type":"cart"}"#).unwrap()));
    }

    #[test]
    fn names_the_bad_field() {
        let t = Target::Report;
        assert_eq!(
            message(r#"[{"type":"cart","total":"12","numItems":1}]"#, t),
            "engagementAttributes[0].total must be a number"
        );
        assert_eq!(
            message(r#"[{"type":"cart","total":12}]"#, t),
            "engagementAttributes[0].numItems is required"
        );
        assert_eq!(
            message(r#"[{"type":"cart","total":1,"numItems":1.5}]"#, t),
            "engagementAttributes[0].numItems must be a whole number of at least 0"
        );
        assert_eq!(
            message(
                r#"[{"type":"searchInfo","keywords":["a"]},{"type":"cart","total":1,"numItems":1,"products":[{"product":{"price":"x"}}]}]"#,
                t
            ),
            "engagementAttributes[1].products[0].product.price must be a number"
        );
        assert_eq!(
            message(r#"[{"type":"service","service":{"status":14}}]"#, t),
            "engagementAttributes[0].service.status must be an integer from 0 to 13"
        );
        assert_eq!(
            message(r#"[{"type":"cart","total":1,"numItems":-1}]"#, t),
            "engagementAttributes[0].numItems must be a whole number of at least 0"
        );
        assert_eq!(
            message(
                r#"[{"type":"ctmrinfo","info":{"lastPaymentDate":{"year":1.5}}}]"#,
                t
            ),
            "engagementAttributes[0].info.lastPaymentDate.year must be a whole number"
        );
        check_text(
            r#"[{"type":"ctmrinfo","info":{"lastPaymentDate":{"year":-44,"day":31,"month":1}}}]"#,
            t,
        )
        .unwrap();
        assert_eq!(
            message(r#"[{"type":"personal","personal":{"gender":"x"}}]"#, t),
            "engagementAttributes[0].personal.gender must be MALE, FEMALE or OTHER"
        );
        assert_eq!(
            message(r#"[{"type":"unknown"}]"#, t),
            "engagementAttributes[0]: unknown SDE type 'unknown'"
        );
        assert_eq!(
            message(r#"[{"total":1}]"#, t),
            "engagementAttributes[0].type must be a string"
        );
        assert_eq!(
            message(r#"[5]"#, t),
            "engagementAttributes[0] must be an object"
        );
        assert_eq!(
            message(r#"{"type":"cart"}"#, t),
            "engagementAttributes must be an array"
        );
        assert_eq!(
            message(r#"[{"type":"impDisplay","engId":1}]"#, t),
            "engagementAttributes[0].campaign is required"
        );
        assert_eq!(
            message(r#"[{"type":"error","error":{"resolved":"no"}}]"#, t),
            "engagementAttributes[0].error.resolved must be true or false"
        );
    }

    #[test]
    fn nulls_and_unknown_fields_are_tolerated() {
        check_text(
            r#"[{"type":"ctmrinfo","info":{"customerId":null,"future":{"x":1}},"extra":true}]"#,
            Target::Report,
        )
        .unwrap();
    }
}
