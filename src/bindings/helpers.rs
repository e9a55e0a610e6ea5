//! Consumer-side helpers on the brand page: the ids a messaging client needs to open a
//! conversation from an engagement, and the `client-properties` header.

#[allow(unused_imports)]
use crate::prelude::*;

use wasm_bindgen::prelude::*;

use crate::core::agent::conversation;
use crate::core::client_props;
use crate::platform::browser_facts;

use crate::core::error::Error;
use crate::core::json::Json;
use crate::core::text::concat;

/// Both conversation helpers behind one export (one shim and no JS values to convert): `which` 0
/// is `conversationContext(a, b)`, 1 is `clientPropertiesHeader(a)`. The arguments are JSON text
/// (js/index.js stringifies them); the answer is JSON text, or `!kind:message` for an LpmonError,
/// which js/index.js throws.
#[wasm_bindgen(js_name = conversationHelper, unchecked_return_type = "string")]
pub fn conversation_helper(which: u32, a: &str, b: &str) -> JsValue {
    let parse = |t: &str| {
        Json::parse(t).map_err(|_| Error::invalid(&["the argument must be JSON-compatible"]))
    };
    let result = parse(a).and_then(|a| match which {
        0 => parse(b).and_then(|b| conversation::conversation_context(&a, &b)),
        _ => {
            conversation::client_properties_header(&client_props::header(&browser_facts(true)), &a)
        }
    });
    // A JsValue rather than a String: the string is made once, on the JS side.
    JsValue::from_str(&result.unwrap_or_else(|e| concat(&["!", e.kind(), ":", &e.message()])))
}

#[wasm_bindgen(typescript_custom_section)]
const TS_HELPERS: &'static str = r#"
/** Options of `conversationContext`. */
export interface ConversationOptions {
  /** Language of the conversation, e.g. 'en-US'; left out of the context when not given. */
  lang?: string;
}

/** What `cm.ConsumerRequestConversation` takes from an engagement (its `body` members). */
export interface ConversationStart {
  campaignInfo: {
    /** As the engagement answer gave it (a number in practice). */
    campaignId: number | string;
    engagementId: number | string;
  };
  conversationContext: {
    type: 'SharkContext';
    visitorId: string;
    sessionId: string;
    /** The engagement's `contextId`. */
    interactionContextId: string | number;
    lang?: string;
  };
}
"#;
