//! What the mock answers: scripted replies, or a reply chosen from the prompt.

/// One scripted answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// A normal stream: reasoning deltas, then text deltas, finish, usage and `[DONE]`.
    Stream {
        reasoning: Vec<String>,
        tokens: Vec<String>,
        finish: Option<String>,
        usage: bool,
        done: bool,
    },
    /// Any status with any body (e.g. 429 with Retry-After).
    Status {
        status: u16,
        body: String,
        retry_after: Option<String>,
    },
    /// 401 whose body echoes the Authorization header the client sent.
    EchoAuth,
    /// A 307 redirect to `location` (clients must not follow it with their key).
    Redirect { location: String },
    /// Sends the tokens, then resets the TCP connection.
    ResetAfter { tokens: Vec<String> },
    /// Sends the tokens, then goes silent until the client leaves.
    StallAfter { tokens: Vec<String> },
    /// Sends the tokens with one unreadable chunk in the middle, then finishes normally.
    Malformed { tokens: Vec<String> },
    /// Sends the tokens, then an `error` object in the 200 stream.
    ErrorAfter200 {
        tokens: Vec<String>,
        message: String,
    },
}

impl Reply {
    /// A normal complete reply with usage, split into small tokens.
    pub fn text(text: &str) -> Self {
        Reply::Stream {
            reasoning: Vec::new(),
            tokens: tokenize(text),
            finish: Some("stop".into()),
            usage: true,
            done: true,
        }
    }
}

/// Splits text into word-sized pieces, each keeping its trailing whitespace.
pub fn tokenize(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in text.chars() {
        cur.push(c);
        if c.is_whitespace() || cur.len() >= 12 {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

const LONG_PARAGRAPH: &str =
    "Streaming keeps the cost of each token constant, so a long answer stays smooth. ";

/// The reply for a prompt when nothing is scripted.
pub fn reply_for_prompt(prompt: &str) -> Reply {
    let some = || tokenize("Here is the start of an answer that will not finish ");
    if let Some(rest) = prompt.strip_prefix(crate::history::title::INSTRUCTION) {
        // A title request (first: the answer it quotes may name a fault): a few words of the question, dressed the way models often are.
        let question = rest.split("<question>\n").nth(1).unwrap_or("");
        let words: Vec<&str> = question.split_whitespace().take(4).collect();
        return Reply::text(&format!("Title: \"About {}\".", words.join(" ")));
    }
    if prompt.contains("mock:429") {
        return Reply::Status {
            status: 429,
            body: r#"{"error":{"message":"Rate limit reached for requests","type":"requests","code":"rate_limit_exceeded"}}"#.into(),
            retry_after: Some("2".into()),
        };
    }
    if prompt.contains("mock:401") {
        return Reply::EchoAuth;
    }
    if prompt.contains("mock:500") {
        return Reply::Status {
            status: 500,
            body:
                r#"{"error":{"message":"The server had an error while processing your request."}}"#
                    .into(),
            retry_after: None,
        };
    }
    if prompt.contains("mock:reset") {
        return Reply::ResetAfter { tokens: some() };
    }
    if prompt.contains("mock:stall") {
        return Reply::StallAfter { tokens: some() };
    }
    if prompt.contains("mock:malformed") {
        return Reply::Malformed {
            tokens: tokenize("Most of this reply arrives fine."),
        };
    }
    if prompt.contains("mock:error-after-200") {
        return Reply::ErrorAfter200 {
            tokens: some(),
            message: "The model is overloaded. Please try again later.".into(),
        };
    }
    if prompt.contains("mock:no-done") {
        return Reply::Stream {
            reasoning: Vec::new(),
            tokens: some(),
            finish: None,
            usage: false,
            done: false,
        };
    }
    if prompt.contains("mock:reasoning") {
        return Reply::Stream {
            reasoning: tokenize("The user wants a short answer. I will think briefly, then reply."),
            tokens: tokenize("Thought about it: **yes**."),
            finish: Some("stop".into()),
            usage: true,
            done: true,
        };
    }
    if prompt.contains("mock:long") {
        let mut text = String::from("# A long answer\n\n");
        for i in 1..=40 {
            text.push_str(&format!("{i}. {}\n", LONG_PARAGRAPH.repeat(3)));
        }
        return Reply::text(&text);
    }
    let quoted = crate::text::wrap::truncate(prompt.lines().next().unwrap_or(""), 60);
    Reply::text(&format!(
        "You said: \"{quoted}\".\n\nThis is the **keyturn mock provider**. It streams replies token by token.\n\n```rust\nfn main() {{\n    println!(\"hello from the mock\");\n}}\n```\n\nTry `mock:429`, `mock:reset`, `mock:stall` or `mock:reasoning` in a prompt."
    ))
}
