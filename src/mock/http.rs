//! The mock's HTTP/1.1 side: one connection per request (Connection: close), chunked SSE,
//! and exact faults. Watches the socket while streaming so a client that leaves is noticed
//! at once.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

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

async fn handle(mut stream: TcpStream, state: Arc<MockState>) {
    let Some(req) = read_request(&mut stream).await else {
        return;
    };
    state.requests.lock().unwrap().push(req.clone());
    let auth = req.header("authorization").unwrap_or("").to_string();
    if let Some(key) = &state.required_key
        && auth != format!("Bearer {key}")
    {
        let presented = auth.strip_prefix("Bearer ").unwrap_or(&auth);
        let body = json!({"error": {"message": format!("Incorrect API key provided: {presented}. You can find your API key in your account settings."), "type": "invalid_request_error", "code": "invalid_api_key"}});
        return respond(&mut stream, 401, "application/json", "", &body.to_string()).await;
    }
    // A scripted status or auth failure answers whatever route comes next (key tests too).
    let front_is_status = matches!(
        state.script.lock().unwrap().front(),
        Some(Reply::Status { .. } | Reply::EchoAuth)
    );
    if front_is_status {
        let reply = state.script.lock().unwrap().pop_front();
        if let Some(reply) = reply {
            return stream_reply(stream, &state, reply, &auth).await;
        }
    }
    let path = req.path.split('?').next().unwrap_or("");
    match (req.method.as_str(), path) {
        ("GET", "/v1/models") => {
            let data: Vec<_> = state
                .models
                .iter()
                .map(|m| json!({"id": m, "object": "model", "owned_by": "keyturn-mock"}))
                .collect();
            respond(
                &mut stream,
                200,
                "application/json",
                "",
                &json!({"object": "list", "data": data}).to_string(),
            )
            .await;
        }
        ("POST", "/v1/chat/completions") => {
            let scripted = state.script.lock().unwrap().pop_front();
            let reply = scripted.unwrap_or_else(|| reply_for_prompt(&last_user_text(&req.body)));
            stream_reply(stream, &state, reply, &auth).await;
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
    v["messages"]
        .as_array()
        .and_then(|m| m.iter().rev().find(|m| m["role"] == "user"))
        .and_then(|m| m["content"].as_str())
        .unwrap_or("")
        .to_string()
}

fn chunk_json(delta: serde_json::Value, finish: Option<&str>) -> String {
    json!({
        "id": "chatcmpl-mock", "object": "chat.completion.chunk", "created": 0, "model": "mock-model",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]
    })
    .to_string()
}

/// Writes one SSE event as one HTTP chunk; false if the client is gone.
async fn send_event(stream: &mut TcpStream, data: &str) -> bool {
    let event = format!("data: {data}\n\n");
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

async fn stream_reply(mut stream: TcpStream, state: &MockState, reply: Reply, auth: &str) {
    let tokens = match &reply {
        Reply::Status {
            status,
            body,
            retry_after,
        } => {
            let extra = retry_after
                .as_ref()
                .map(|r| format!("Retry-After: {r}\r\n"))
                .unwrap_or_default();
            return respond(&mut stream, *status, "application/json", &extra, body).await;
        }
        Reply::EchoAuth => {
            let body = json!({"error": {"message": format!("Incorrect API key provided: {auth}"), "code": "invalid_api_key"}});
            return respond(&mut stream, 401, "application/json", "", &body.to_string()).await;
        }
        Reply::Stream { tokens, .. }
        | Reply::ResetAfter { tokens }
        | Reply::StallAfter { tokens }
        | Reply::Malformed { tokens }
        | Reply::ErrorAfter200 { tokens, .. } => tokens.clone(),
    };
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
    if stream.write_all(head.as_bytes()).await.is_err() {
        return;
    }
    let pause = if state.tokens_per_sec > 0.0 {
        Duration::from_secs_f64(1.0 / state.tokens_per_sec)
    } else {
        Duration::ZERO
    };
    let gone = |state: &MockState| state.disconnects.lock().unwrap().push(Instant::now());
    if let Reply::Stream { reasoning, .. } = &reply {
        for r in reasoning {
            if !send_event(
                &mut stream,
                &chunk_json(json!({"reasoning_content": r}), None),
            )
            .await
                || (!pause.is_zero() && !pause_or_leave(&mut stream, pause).await)
            {
                return gone(state);
            }
        }
    }
    let half = tokens.len() / 2;
    for (i, t) in tokens.iter().enumerate() {
        if matches!(reply, Reply::Malformed { .. })
            && i == half
            && !send_event(&mut stream, "{\"choices\":[{\"delta\":{\"content\":").await
        {
            return gone(state);
        }
        if !send_event(&mut stream, &chunk_json(json!({"content": t}), None)).await
            || (!pause.is_zero() && !pause_or_leave(&mut stream, pause).await)
        {
            return gone(state);
        }
    }
    match reply {
        Reply::ResetAfter { .. } => {
            let _ = stream.set_zero_linger();
            return drop(stream);
        }
        Reply::StallAfter { .. } => {
            if !pause_or_leave(&mut stream, Duration::from_secs(300)).await {
                gone(state);
            }
        }
        Reply::ErrorAfter200 { message, .. } => {
            let err = json!({"error": {"message": message, "type": "server_error", "code": "overloaded"}});
            send_event(&mut stream, &err.to_string()).await;
            let _ = stream.write_all(b"0\r\n\r\n").await;
        }
        Reply::Stream {
            finish,
            usage,
            done,
            ..
        } => {
            if let Some(f) = finish {
                send_event(&mut stream, &chunk_json(json!({}), Some(&f))).await;
            }
            if usage {
                let u = json!({"id": "chatcmpl-mock", "object": "chat.completion.chunk", "choices": [],
                    "usage": {"prompt_tokens": 12, "completion_tokens": tokens.len(), "total_tokens": 12 + tokens.len()}});
                send_event(&mut stream, &u.to_string()).await;
            }
            if done {
                send_event(&mut stream, "[DONE]").await;
            }
            let _ = stream.write_all(b"0\r\n\r\n").await;
        }
        Reply::Malformed { .. } => {
            send_event(&mut stream, &chunk_json(json!({}), Some("stop"))).await;
            send_event(&mut stream, "[DONE]").await;
            let _ = stream.write_all(b"0\r\n\r\n").await;
        }
        Reply::Status { .. } | Reply::EchoAuth => {}
    }
    let _ = stream.shutdown().await;
}
