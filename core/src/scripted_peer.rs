//! A scripted JSON-RPC node for transaction tests: a WebSocket server on loopback whose
//! every answer comes from a test's handler, including subscriptions with a chosen list
//! of notifications and a socket that drops at a chosen moment. The recording has no
//! transactions, so submission and status tracking are tested against this instead.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;

use crate::replay::ReplayError;

/// What the node does with one request.
#[derive(Debug, Clone)]
pub enum Scripted {
    /// Answer with this result.
    Result(Value),
    /// Answer with a JSON-RPC error.
    Error {
        /// Error code.
        code: i64,
        /// Error text.
        message: String,
    },
    /// Open a subscription and send these notifications; then keep the socket open, or
    /// close it without a word (a node that goes away mid-flight).
    Subscribe {
        /// The notification method, e.g. "author_extrinsicUpdate".
        notify_method: String,
        /// The notifications' results, in order.
        items: Vec<Value>,
        /// Drop the connection after the last one.
        then_drop: bool,
    },
    /// The handler has no answer (a JSON-RPC "method not found" error).
    Unknown,
}

/// The handler: method and params in, what to do out.
pub type Handler = dyn Fn(&str, &[Value]) -> Scripted + Send + Sync;

/// A running scripted node. Dropping it stops it.
pub struct ScriptedPeer {
    addr: SocketAddr,
    calls: Arc<Mutex<Vec<(String, Vec<Value>)>>>,
    accept_task: JoinHandle<()>,
    connections: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl ScriptedPeer {
    /// Starts a node on a free loopback port that answers with `handler`.
    pub async fn start(
        handler: impl Fn(&str, &[Value]) -> Scripted + Send + Sync + 'static,
    ) -> Result<ScriptedPeer, ReplayError> {
        let handler: Arc<Handler> = Arc::new(handler);
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(|e| ReplayError::Listen(e.to_string()))?;
        let addr = listener
            .local_addr()
            .map_err(|e| ReplayError::Listen(e.to_string()))?;
        let calls: Arc<Mutex<Vec<(String, Vec<Value>)>>> = Arc::default();
        let connections: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let (accept_calls, accept_connections) = (calls.clone(), connections.clone());
        let accept_task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let task = tokio::spawn(serve(stream, handler.clone(), accept_calls.clone()));
                if let Ok(mut list) = accept_connections.lock() {
                    list.retain(|t| !t.is_finished());
                    list.push(task);
                }
            }
        });
        Ok(ScriptedPeer {
            addr,
            calls,
            accept_task,
            connections,
        })
    }

    /// The `ws://127.0.0.1:PORT` URL.
    pub fn url(&self) -> String {
        format!("ws://{}", self.addr)
    }

    /// Every request so far: method and params, in order.
    pub fn calls(&self) -> Vec<(String, Vec<Value>)> {
        self.calls.lock().map(|c| c.clone()).unwrap_or_default()
    }

    /// How many requests for `method` arrived.
    pub fn count(&self, method: &str) -> usize {
        self.calls().iter().filter(|(m, _)| m == method).count()
    }
}

impl Drop for ScriptedPeer {
    fn drop(&mut self) {
        self.accept_task.abort();
        if let Ok(mut list) = self.connections.lock() {
            for task in list.drain(..) {
                task.abort();
            }
        }
    }
}

async fn serve(
    stream: TcpStream,
    handler: Arc<Handler>,
    calls: Arc<Mutex<Vec<(String, Vec<Value>)>>>,
) {
    let Ok(mut ws) = tokio_tungstenite::accept_async(stream).await else {
        return;
    };
    let mut next_subscription = 1u64;
    while let Some(Ok(message)) = ws.next().await {
        let text = match message {
            Message::Text(text) => text.to_string(),
            Message::Binary(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Message::Close(_) => return,
            _ => continue,
        };
        let Ok(request) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        let requests = match request {
            Value::Array(batch) => batch,
            single => vec![single],
        };
        for req in requests {
            let method = req
                .get("method")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let id = req.get("id").cloned().unwrap_or(Value::Null);
            let params = match req.get("params") {
                Some(Value::Array(p)) => p.clone(),
                _ => Vec::new(),
            };
            if let Ok(mut c) = calls.lock() {
                c.push((method.clone(), params.clone()));
            }
            let reply = match handler(&method, &params) {
                Scripted::Result(result) => json!({"jsonrpc": "2.0", "id": id, "result": result}),
                Scripted::Error { code, message } => {
                    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
                }
                Scripted::Unknown => json!({"jsonrpc": "2.0", "id": id, "error": {
                    "code": -32601, "message": format!("scripted peer: no answer for {method}")
                }}),
                Scripted::Subscribe {
                    notify_method,
                    items,
                    then_drop,
                } => {
                    let sub = format!("sub-{next_subscription}");
                    next_subscription += 1;
                    let open = json!({"jsonrpc": "2.0", "id": id, "result": sub});
                    if ws.send(Message::text(open.to_string())).await.is_err() {
                        return;
                    }
                    for item in items {
                        let note = json!({"jsonrpc": "2.0", "method": notify_method,
                            "params": {"subscription": sub, "result": item}});
                        if ws.send(Message::text(note.to_string())).await.is_err() {
                            return;
                        }
                    }
                    if then_drop {
                        return;
                    }
                    continue;
                }
            };
            if ws.send(Message::text(reply.to_string())).await.is_err() {
                return;
            }
        }
    }
}
