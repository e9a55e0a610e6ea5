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

/// Every SDE type and its fields, as text: a table of structs would be mostly pointers and
/// lengths, which compress poorly, and this is data in every page's download.
///
/// An entry is `name{fields}`, with `*` before the name of an impression event (report only).
/// A field is `name:kind`, or `name!kind` when it is required; fields are separated by `,`. Kinds:
/// `s` a string, `n` a number, `w` a whole number, `c` a whole number of at least 0, `x` a string
/// or a number (ids that page code writes either way), `b` true or false, `d` an integer from
/// 1 to 31, `m` from 1 to 12, `t` from 0 to 13, `g` MALE, FEMALE or OTHER, `{fields}` an object,
/// `[kind` an array whose elements have that kind.
const TYPES: &str = "\
cart{total!n,currency:s,numItems!c,products:[{product:{name:s,category:s,sku:x,price:n,statusInStock:x,quantityInStock:n},quantity:c}}\
purchase{total:n,currency:s,orderId:x,cart:{products![{product:{name:s,category:s,sku:x,price:n,statusInStock:x,quantityInStock:n},quantity:c},numItems:c}}\
prodView{currency:s,products:[{product:{name:s,category:s,sku:x,price:n,statusInStock:x,quantityInStock:n}}}\
ctmrinfo{info:{cstatus:s,ctype:s,customerId:x,balance:n,currency:s,socialId:x,imei:x,userName:s,companySize:n,companyBranch:s,\
accountName:s,role:s,lastPaymentDate:{day:d,month:m,year:w},registrationDate:{day:d,month:m,year:w},loginStatus:x,storeZipCode:x,\
storeNumber:x}}\
mrktInfo{info:{channel:x,affiliate:s,campaignId:x}}\
personal{personal:{firstname:s,lastname:s,age:{age:n,year:w,month:m,day:d},\
contacts:[{email:s,phone:x,phoneType:s,address:{country:s,region:s}},gender:g,company:s,language:s}}\
lead{lead:{topic:s,value:n,currency:s,leadId:x}}\
service{service:{topic:s,status:t,category:s,serviceId:x}}\
error{error:{contextId:x,message:s,code:x,level:x,resolved:b}}\
searchInfo{keywords:[s}\
*impDisplay{campaign!x,engId!x,revision:x,eContext:[{type!s,id!x}}\
*impAccept{campaign!x,engId!x,revision:x,eContext:[{type!s,id!x}}\
*impExpanded{campaign!x,engId!x,revision:x,expanded:b,userInit:b,actionableItems:[x}\
*impTimeout{campaign!x,engId!x,revision:x}\
*impClose{campaign!x,engId!x,revision:x}";

/// Where an SDE may be sent.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Target {
    /// The engagement call: impression events are not allowed.
    Engagement,
    /// The report call: everything is allowed.
    Report,
}

/// The schema of SDE type `ty`: whether it is an impression event, and where its `{fields}` start.
fn find_type(ty: &str) -> Option<(bool, usize)> {
    let mut at = 0;
    while at < TYPES.len() {
        let impression = byte(at) == b'*';
        at += usize::from(impression);
        let name = word(&mut at);
        if name == ty {
            return Some((impression, at));
        }
        // Skipping checks nothing and cannot fail.
        walk(None, &mut at, &Path::Item(0)).ok()?;
    }
    None
}

/// The schema byte at `at` (0 past the end).
fn byte(at: usize) -> u8 {
    TYPES.as_bytes().get(at).copied().unwrap_or_default()
}

/// The field or type name at `at` (letters), moving past it.
fn word(at: &mut usize) -> &'static str {
    let start = *at;
    while byte(*at).is_ascii_alphabetic() {
        *at += 1;
    }
    TYPES.get(start..*at).unwrap_or_default()
}

/// True when `sde` is an impression event (`impDisplay`, `impAccept`, ...).
pub fn is_impression(sde: &Json) -> bool {
    let ty = sde.get("type").and_then(Json::as_str).unwrap_or_default();
    find_type(ty).is_some_and(|(impression, _)| impression)
}

/// Checks a batch of SDEs; the error names the first bad field, e.g.
/// `engagementAttributes[1].total must be a number`.
pub fn validate_all(list: &Json, target: Target) -> Result<(), Error> {
    let Some(items) = list.as_arr() else {
        return Err(Error::invalid(&["engagementAttributes must be an array"]));
    };
    for (i, sde) in items.iter().enumerate() {
        validate_one(sde, target, &Path::Item(i))?;
    }
    Ok(())
}

/// Where a value sits in the batch; spelled out (`engagementAttributes[1].products[0]`) only
/// for an error message.
enum Path<'a> {
    /// `engagementAttributes[i]`.
    Item(usize),
    /// A member of an object.
    Field(&'a Path<'a>, &'static str),
    /// An element of an array.
    Index(&'a Path<'a>, usize),
}

impl Path<'_> {
    fn write(&self, out: &mut String) {
        let (parent, name, index) = match self {
            Path::Item(i) => (None, "engagementAttributes", Some(*i)),
            Path::Field(p, name) => (Some(p), *name, None),
            Path::Index(p, i) => (Some(p), "", Some(*i)),
        };
        if let Some(p) = parent {
            p.write(out);
            if index.is_none() {
                out.push('.');
            }
        }
        out.push_str(name);
        if let Some(i) = index {
            out.push('[');
            out.push_str(&uint_text(i as u64));
            out.push(']');
        }
    }

    /// A validation error: this path followed by `parts`.
    fn error(&self, parts: &[&str]) -> Error {
        let mut text = String::new();
        self.write(&mut text);
        for p in parts {
            text.push_str(p);
        }
        Error::Validation(text)
    }
}

fn validate_one(sde: &Json, target: Target, path: &Path) -> Result<(), Error> {
    if sde.as_obj().is_none() {
        return Err(path.error(&[" must be an object"]));
    }
    let Some(ty) = sde.get("type").and_then(Json::as_str) else {
        return Err(path.error(&[".type must be a string"]));
    };
    let Some((impression, mut at)) = find_type(ty) else {
        return Err(path.error(&[": unknown SDE type '", ty, "'"]));
    };
    if impression && target == Target::Engagement {
        return Err(path.error(&[": impression event '", ty, "' can only be sent with report"]));
    }
    walk(Some(sde), &mut at, path)
}

/// Checks `v` against the kind at `at` and moves past it; with `v` None it only moves past it.
/// `path` names `v` in errors.
fn walk(v: Option<&Json>, at: &mut usize, path: &Path) -> Result<(), Error> {
    let kind = byte(*at);
    *at += 1;
    let ok = match (kind, v) {
        (b'{', _) => {
            let members = match v {
                Some(Json::Obj(_)) | None => v,
                Some(_) => return Err(path.error(&[" must be an object"])),
            };
            while !matches!(byte(*at), b'}' | 0) {
                let name = word(at);
                let required = byte(*at) == b'!';
                *at += 1;
                let field_path = Path::Field(path, name);
                let field = members.and_then(|m| m.get(name));
                // null is how page code says "unknown"; the server's own answers use it too.
                let field = field.filter(|f| !f.is_null());
                if required && members.is_some() && field.is_none() {
                    return Err(field_path.error(&[" is required"]));
                }
                walk(field, at, &field_path)?;
                if byte(*at) == b',' {
                    *at += 1;
                }
            }
            *at += 1;
            return Ok(());
        }
        (b'[', Some(Json::Arr(items))) => {
            let start = *at;
            for (i, item) in items.iter().enumerate() {
                *at = start;
                walk(Some(item), at, &Path::Index(path, i))?;
            }
            if !items.is_empty() {
                return Ok(());
            }
            return walk(None, at, path);
        }
        (b'[', None) => return walk(None, at, path),
        (_, None) => true,
        (b's', Some(Json::Str(_))) | (b'n', Some(Json::Num(_))) | (b'b', Some(Json::Bool(_))) => {
            true
        }
        (b'x', Some(Json::Str(_) | Json::Num(_))) => true,
        (b'g', Some(Json::Str(s))) => matches!(s.as_str(), "MALE" | "FEMALE" | "OTHER"),
        (b'w' | b'c' | b'd' | b'm' | b't', Some(v @ Json::Num(_))) => {
            let (lo, hi) = match kind {
                b'c' => (0, i64::MAX),
                b'd' => (1, 31),
                b'm' => (1, 12),
                b't' => (0, 13),
                _ => (i64::MIN, i64::MAX),
            };
            matches!(v.as_i64(), Some(n) if n >= lo && n <= hi)
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(path.error(&[" must be ", describe(kind)]))
    }
}

fn describe(kind: u8) -> &'static str {
    match kind {
        b's' => "a string",
        b'n' => "a number",
        b't' => "an integer from 0 to 13",
        b'm' => "an integer from 1 to 12",
        b'd' => "an integer from 1 to 31",
        b'c' => "a whole number of at least 0",
        b'w' => "a whole number",
        b'b' => "true or false",
        b'x' => "a string or a number",
        b'g' => "MALE, FEMALE or OTHER",
        _ => "an array",
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
    fn the_schema_text_is_well_formed() {
        let mut at = 0;
        let mut names = Vec::new();
        while at < TYPES.len() {
            at += usize::from(byte(at) == b'*');
            let name = word(&mut at);
            assert!(!name.is_empty() && byte(at) == b'{', "entry at {at}");
            names.push(String::from(name));
            walk(None, &mut at, &Path::Item(0)).unwrap();
        }
        assert_eq!(at, TYPES.len());
        assert_eq!(names.len(), 15);
        for (i, b) in TYPES.bytes().enumerate() {
            if matches!(b, b':' | b'!' | b'[') {
                assert!(b"snwcxbdmtg{[".contains(&byte(i + 1)), "kind at {i}");
            }
        }
        for name in &names {
            let imp = is_impression(&Json::Obj(vec![("type".into(), Json::str(name))]));
            assert_eq!(imp, name.starts_with("imp"), "{name}");
        }
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
