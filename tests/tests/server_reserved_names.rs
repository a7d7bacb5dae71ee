//! Names the generated code uses itself, taken by the document
//! (`fixtures/client/reserved-names.yaml`): schemas named as the server's `Api`
//! trait and the runtime types its module imports, and parameters named as the
//! locals a generated handler binds (`api`, `request`, `incoming`, `errors`, `at`).
//! Each value must reach the handler under its own field, and the validation of
//! each must be located at its own name.

use names::client::{Client, PutApiError};
use names::server::*;
use names::{Api2, HandlerError2, RequestContext2};
use oapi_gen_client_runtime::Error;
use oapi_gen_server_runtime::axum;
use oapi_gen_server_runtime::{HandlerError, RequestContext};
use oapi_gen_tests::fixtures::client_reserved_names_server as names;
use serde_json::json;

/// Answers `put_api` with every input it decoded, as JSON in the returned name.
struct Echo;

impl Api for Echo {
    async fn new_2(&self, _: RequestContext, _: NewRequest) -> Result<NewResponse, HandlerError> {
        Ok(NewResponse::NoContent)
    }

    async fn clone_2(
        &self,
        _: RequestContext,
        _: CloneRequest,
    ) -> Result<CloneResponse, HandlerError> {
        Ok(CloneResponse::NoContent)
    }

    async fn builder_2(
        &self,
        _: RequestContext,
        _: BuilderRequest,
    ) -> Result<BuilderResponse, HandlerError> {
        Ok(BuilderResponse::NoContent)
    }

    async fn into_2(
        &self,
        _: RequestContext,
        _: IntoRequest,
    ) -> Result<IntoResponse, HandlerError> {
        Ok(IntoResponse::NoContent)
    }

    async fn router_2(
        &self,
        _: RequestContext,
        _: RouterRequest,
    ) -> Result<RouterResponse, HandlerError> {
        Ok(RouterResponse::NoContent)
    }

    async fn put_api(
        &self,
        _: RequestContext,
        request: PutApiRequest,
    ) -> Result<PutApiResponse, HandlerError> {
        if request.response == Some(true) {
            return Ok(PutApiResponse::BadRequest(HandlerError2 {
                message: Some(format!("refused {}", request.api)),
            }));
        }
        let inputs = json!({
            "api": request.api,
            "api_2": request.api_2,
            "request": request.request,
            "incoming": request.incoming,
            "errors": request.errors,
            "at": request.at,
            "error": request.error,
        });
        Ok(PutApiResponse::Ok(Api2 {
            name: inputs.to_string(),
            context: Some(RequestContext2 {
                correlation: Some(request.body.name),
            }),
            client: request.body.client,
        }))
    }
}

async fn client() -> Client {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router(Echo)).await.unwrap() });
    Client::new(&format!("http://{address}")).unwrap()
}

fn stored(name: &str) -> Api2 {
    Api2 {
        name: name.to_owned(),
        context: None,
        client: Some(names::Client2 { id: Some(7) }),
    }
}

#[tokio::test]
async fn parameters_named_as_handler_locals_reach_their_fields() {
    let client = client().await;
    let answer = client
        .put_api("pets", "req", stored("body"))
        .api_2(3)
        .incoming("in")
        .errors(4)
        .at(vec!["a".to_owned(), "b".to_owned()])
        .error("cookie")
        .await
        .unwrap()
        .into_inner();
    let inputs: serde_json::Value = serde_json::from_str(&answer.name).unwrap();
    assert_eq!(
        inputs,
        json!({
            "api": "pets",
            "api_2": 3,
            "request": "req",
            "incoming": "in",
            "errors": 4,
            "at": ["a", "b"],
            "error": "cookie",
        })
    );
    assert_eq!(answer.context.unwrap().correlation.as_deref(), Some("body"));
    assert_eq!(answer.client.unwrap().id, Some(7));

    // Absent optional parameters: `incoming` takes its default.
    let answer = client
        .put_api("pets", "req", stored("body"))
        .await
        .unwrap()
        .into_inner();
    let inputs: serde_json::Value = serde_json::from_str(&answer.name).unwrap();
    assert_eq!(inputs["incoming"], "none");
    assert_eq!(inputs["errors"], serde_json::Value::Null);
}

#[tokio::test]
async fn a_schema_named_api_is_a_response_and_an_error_body() {
    let client = client().await;
    match client
        .put_api("pets", "req", stored("body"))
        .response(true)
        .await
        .unwrap_err()
    {
        Error::Api(response) => {
            assert_eq!(response.status().as_u16(), 400);
            let PutApiError::BadRequest(error) = response.into_inner();
            assert_eq!(error.message.as_deref(), Some("refused pets"));
        }
        other => panic!("expected the declared 400, got {other:?}"),
    }
}

#[tokio::test]
async fn each_parameter_is_validated_at_its_own_name() {
    let client = client().await;
    let refusal = |error: Error<PutApiError>| match error {
        Error::UnexpectedStatus(response) => {
            assert_eq!(response.status.as_u16(), 422);
            serde_json::from_slice::<serde_json::Value>(&response.body).unwrap()
        }
        other => panic!("expected the undeclared 422, got {other:?}"),
    };
    let too_many = vec!["a".to_owned(); 4];
    let body = refusal(
        client
            .put_api("pets", "req", stored(""))
            .api_2(-1)
            .errors(11)
            .at(too_many)
            .await
            .unwrap_err(),
    );
    let located: Vec<&serde_json::Value> = body["detail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| &d["loc"])
        .collect();
    assert_eq!(
        located,
        [
            &json!(["query", "api_2"]),
            &json!(["header", "errors"]),
            &json!(["query", "at"]),
            &json!(["body", "name"]),
        ],
        "{body}"
    );
}
