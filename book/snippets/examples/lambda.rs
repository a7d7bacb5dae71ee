//! The code of book/src/lambda.md: one `main` for AWS Lambda and local serving, and
//! the Lambda invocation and caller in a handler.

// The book shows `get_item` of an `impl Api`; here it is an inherent method of a
// type of its own, which nothing calls.
#![allow(dead_code)]

use book_snippets::items as api;
use book_snippets::store::Store as MyApi;
use oapi_gen_server_runtime::{CallerIdentity, HandlerError, RequestContext};

use api::server::{GetItemRequest, GetItemResponse};

// ANCHOR: main
use oapi_gen_server_runtime::{cors, serve};

#[tokio::main]
async fn main() -> Result<(), serve::Error> {
    serve::run(api::server::router(MyApi::default()).layer(cors::from_env())).await
}
// ANCHOR_END: main

struct Service;

impl Service {
    // ANCHOR: context
    async fn get_item(
        &self,
        ctx: RequestContext,
        request: GetItemRequest,
    ) -> Result<GetItemResponse, HandlerError> {
        if let Some(lambda) = ctx.lambda() {
            // lambda.request_id, function_name, function_version, function_arn,
            // memory_size_mb, xray_trace_header, deadline_ms, cold_start
            tracing::info!(request_id = %lambda.request_id, cold_start = lambda.cold_start);
        }
        match ctx.identity() {
            Some(CallerIdentity::Iam(caller)) => {
                // caller.user_arn, account_id, caller_id, access_key, principal_org_id
                tracing::info!(user_arn = ?caller.user_arn);
            }
            Some(CallerIdentity::Jwt(caller)) => {
                tracing::info!(sub = ?caller.claim("sub"), scopes = ?caller.scopes);
            }
            Some(CallerIdentity::Authorizer(context)) => {
                tracing::info!(?context); // what a Lambda authorizer returned
            }
            _ => {}
        }
        // …
        Ok(GetItemResponse::NotFound(api::NotFoundError {
            detail: format!("Item {} not found", request.item_id),
        }))
    }
    // ANCHOR_END: context
}
