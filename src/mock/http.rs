//! The mock's HTTP/1.1 side: one connection per request (Connection: close), chunked SSE,
//! and exact faults. Watches the socket while streaming so a client that leaves is noticed
//! at once.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::dialect::Dialect;
use super::script::{Reply, reply_for_prompt};
use super::{MockState, RecordedRequest};

pub async fn serve(listener: TcpListener, state: Arc<MockState>) {
    while let Ok((stream, _)) = listener.accept().await {
        tokio::spawn(handle(stream, state.clone()));
    }
}

async fn read_request(stream: &mut TcpStream) -> Option<RecordedRequest> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        if buf.len() > 64 * 1024 {
            return None;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_string();
    let path = first.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| {
            l.split_once(':')
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        })
        .collect();
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < len {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(RecordedRequest {
        method,
        path,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
        at: Instant::now(),
    })
}

async fn respond(stream: &mut TcpStream, status: u16, content_type: &str, extra: &str, body: &str) {
    let reason = match status {
        200 => "OK",
        307 => "Temporary Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n{extra}Connection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(body.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// The key the client presented, whichever protocol's header carries it.
fn presented_key(req: &RecordedRequest) -> String {
    req.header("authorization")
        .map(|a| a.strip_prefix("Bearer ").unwrap_or(a).to_string())
        .or_else(|| req.header("x-api-key").map(str::to_string))
        .or_else(|| req.header("x-goog-api-key").map(str::to_string))
        .unwrap_or_default()
}

async fn handle(mut stream: TcpStream, state: Arc<MockState>) {
    let Some(req) = read_request(&mut stream).await else {
        return;
    };
    state
        .requests
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(req.clone());
    let key = presented_key(&req);
    // As a forward proxy the request line carries an absolute URL: keep only its path.
    let path = req.path.split('?').next().unwrap_or("").to_string();
    let path = match path.strip_prefix("http://") {
        Some(rest) => rest
            .find('/')
            .map_or("/".to_string(), |i| rest[i..].to_string()),
        None => path,
    };
    let dialect = if path.starts_with("/v1beta/") {
        Dialect::Gemini
    } else if path == "/v1/messages" || req.header("anthropic-version").is_some() {
        Dialect::Anthropic
    } else if path == "/v1/responses" {
        Dialect::Responses
    } else {
        Dialect::Openai
    };
    if let Some(required) = &state.required_key
        && key != *required
        && !state
            .accept_prefix
            .as_ref()
            .is_some_and(|p| key.starts_with(p.as_str()))
    {
        let body = dialect.error_body(&format!("Incorrect API key provided: {key}. You can find your API key in your account settings."), "invalid_api_key");
        let status = if dialect == Dialect::Gemini { 400 } else { 401 };
        return respond(&mut stream, status, "application/json", "", &body).await;
    }
    // A scripted status or auth failure answers whatever route comes next (key tests too).
    let front_is_status = matches!(
        state
            .script
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .front(),
        Some(Reply::Status { .. } | Reply::EchoAuth | Reply::Redirect { .. })
    );
    if front_is_status {
        let reply = state
            .script
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .pop_front();
        if let Some(reply) = reply {
            return stream_reply(stream, &state, reply, &key, dialect).await;
        }
    }
    let is_stream = path == "/v1/chat/completions"
        || path == "/v1/responses"
        || path == "/v1/messages"
        || path.ends_with(":streamGenerateContent");
    match (req.method.as_str(), is_stream) {
        // The key-information calls of OpenRouter, DeepSeek and xAI.
        ("GET", _) if path == "/v1/key" => {
            let body = json!({"data": {"label": "sk-or-v1-abc...xyz", "usage": 1.25, "limit": 10.0, "limit_remaining": 8.75, "limit_reset": "monthly", "is_free_tier": false}});
            respond(&mut stream, 200, "application/json", "", &body.to_string()).await;
        }
        ("GET", _) if path == "/user/balance" => {
            let body = json!({"is_available": true, "balance_infos": [{"currency": "USD", "total_balance": "4.20", "granted_balance": "0.00", "topped_up_balance": "4.20"}]});
            respond(&mut stream, 200, "application/json", "", &body.to_string()).await;
        }
        ("GET", _) if path == "/v1/api-key" => {
            let body = json!({"redacted_api_key": "xai-...abcd", "user_id": "u1", "name": "mock", "api_key_blocked": false, "api_key_disabled": false, "team_blocked": false});
            respond(&mut stream, 200, "application/json", "", &body.to_string()).await;
        }
        ("GET", _) if path == "/v1/model/info" && state.model_info.is_some() => {
            let body = state.model_info.clone().unwrap_or_default();
            respond(&mut stream, 200, "application/json", "", &body.to_string()).await;
        }
        // The free counting calls: a count the tests can work out (100 and a token a word).
        ("POST", _)
            if path.ends_with("/messages/count_tokens") || path.ends_with(":countTokens") =>
        {
            let n = 100 + req.body.split_whitespace().count() as u64;
            let body = if path.ends_with(":countTokens") {
                json!({"totalTokens": n})
            } else {
                json!({"input_tokens": n})
            };
            respond(&mut stream, 200, "application/json", "", &body.to_string()).await;
        }
        ("GET", _) if path == "/v1/models" || path == "/v1beta/models" => {
            let body = dialect.model_list(&state.models);
            respond(&mut stream, 200, "application/json", "", &body).await;
        }
        ("POST", true) => {
            let scripted = state
                .script
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .pop_front();
            let reply = scripted.unwrap_or_else(|| reply_for_prompt(&last_user_text(&req.body)));
            stream_reply(stream, &state, reply, &key, dialect).await;
        }
        _ => {
            let body =
                json!({"error": {"message": format!("no route for {} {}", req.method, req.path)}});
            respond(&mut stream, 404, "application/json", "", &body.to_string()).await;
        }
    }
}

fn last_user_text(body: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    let list = v["messages"]
        .as_array()
        .or_else(|| v["contents"].as_array())
        .or_else(|| v["input"].as_array());
    list.and_then(|m| m.iter().rev().find(|m| m["role"] == "user"))
        .and_then(|m| {
            // Parts or blocks (images beside the text, cache marks): the text one.
            fn text_of(parts: &[serde_json::Value]) -> Option<&str> {
                parts.iter().rev().find_map(|p| p["text"].as_str())
            }
            m["content"]
                .as_str()
                .or_else(|| text_of(m["parts"].as_array()?))
                .or_else(|| text_of(m["content"].as_array()?))
        })
        .unwrap_or("")
        .to_string()
}

/// Writes one framed SSE event as one HTTP chunk; false if the client is gone.
async fn send_event(stream: &mut TcpStream, event: &str) -> bool {
    let framed = format!("{:x}\r\n{event}\r\n", event.len());
    stream.write_all(framed.as_bytes()).await.is_ok()
}

/// Waits `pause`, returning false early if the client closed the connection.
async fn pause_or_leave(stream: &mut TcpStream, pause: Duration) -> bool {
    let mut probe = [0u8; 1];
    tokio::select! {
        r = stream.read(&mut probe) => !matches!(r, Ok(0) | Err(_)),
        _ = tokio::time::sleep(pause) => true,
    }
}

async fn stream_reply(
    mut stream: TcpStream,
    state: &MockState,
    reply: Reply,
    key: &str,
    dialect: Dialect,
) {
    let Some(tokens) = answer_plainly(&mut stream, &reply, key, dialect).await else {
        return;
    };
    let extra: String = state
        .stream_headers
        .iter()
        .map(|(k, v)| format!("{k}: {v}\r\n"))
        .collect();
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n{extra}\r\n"
    );
    if stream.write_all(head.as_bytes()).await.is_err() {
        return;
    }
    if !send_pieces(&mut stream, state, &reply, &tokens, dialect).await {
        return gone(state);
    }
    let ending = match reply {
        Reply::ResetAfter { .. } => {
            let _ = stream.set_zero_linger();
            return drop(stream);
        }
        Reply::StallAfter { .. } => {
            if !pause_or_leave(&mut stream, Duration::from_secs(300)).await {
                gone(state);
            }
            return;
        }
        Reply::ErrorAfter200 { message, .. } => vec![dialect.stream_error(&message)],
        Reply::Stream {
            finish,
            usage,
            done,
            reasoning,
            ..
        } => {
            // Reasoning is output too, and reported as its part.
            let counts = usage.then_some((tokens.len() + reasoning.len(), reasoning.len()));
            dialect.ending(finish.as_deref(), counts, done)
        }
        Reply::Malformed { .. } => dialect.ending(Some("stop"), None, true),
        Reply::Status { .. } | Reply::EchoAuth | Reply::Redirect { .. } => Vec::new(),
    };
    for e in ending {
        send_event(&mut stream, &e).await;
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let _ = stream.shutdown().await;
}

/// The client went away mid-stream: noted, so tests can see a cancel reach the server.
fn gone(state: &MockState) {
    state
        .disconnects
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(Instant::now());
}

/// Replies that are not a stream are answered here; for a stream, its tokens are returned.
async fn answer_plainly(
    stream: &mut TcpStream,
    reply: &Reply,
    key: &str,
    dialect: Dialect,
) -> Option<Vec<String>> {
    match reply {
        Reply::Status {
            status,
            body,
            retry_after,
        } => {
            let extra = retry_after
                .as_ref()
                .map(|r| format!("Retry-After: {r}\r\n"))
                .unwrap_or_default();
            respond(stream, *status, "application/json", &extra, body).await;
            None
        }
        Reply::Redirect { location } => {
            let extra = format!("Location: {location}\r\n");
            respond(stream, 307, "text/plain", &extra, "moved").await;
            None
        }
        Reply::EchoAuth => {
            let body = dialect.error_body(
                &format!("Incorrect API key provided: {key}"),
                "invalid_api_key",
            );
            respond(stream, 401, "application/json", "", &body).await;
            None
        }
        Reply::Stream { tokens, .. }
        | Reply::ResetAfter { tokens }
        | Reply::StallAfter { tokens }
        | Reply::Malformed { tokens }
        | Reply::ErrorAfter200 { tokens, .. } => Some(tokens.clone()),
    }
}

/// The preamble, the reasoning and the tokens at the mock's pace (a broken chunk halfway for
/// `Malformed`); false when the client went away.
async fn send_pieces(
    stream: &mut TcpStream,
    state: &MockState,
    reply: &Reply,
    tokens: &[String],
    dialect: Dialect,
) -> bool {
    // An absolute schedule (token i is due at i / rate from the start), so the rate holds
    // without drift, and a rate above what a timer can space out goes in bursts.
    let rate = state.tokens_per_sec;
    let started = tokio::time::Instant::now();
    for e in dialect.preamble() {
        if !send_event(stream, &e).await {
            return false;
        }
    }
    let reasoning = match reply {
        Reply::Stream { reasoning, .. } => reasoning.clone(),
        _ => Vec::new(),
    };
    let pieces = reasoning
        .iter()
        .map(|r| (r, true))
        .chain(tokens.iter().map(|t| (t, false)));
    let half = reasoning.len() + tokens.len() / 2;
    for (i, (piece, is_reasoning)) in pieces.enumerate() {
        let broken = "{\"choices\":[{\"delta\":{\"content\":";
        if matches!(reply, Reply::Malformed { .. })
            && i == half
            && !send_event(stream, &dialect.frame(None, broken)).await
        {
            return false;
        }
        if !send_event(stream, &dialect.delta(piece, is_reasoning)).await {
            return false;
        }
        if rate > 0.0 {
            let due = started + Duration::from_secs_f64((i + 1) as f64 / rate);
            let now = tokio::time::Instant::now();
            if due > now && !pause_or_leave(stream, due - now).await {
                return false;
            }
        }
    }
    true
}
