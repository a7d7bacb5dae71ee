//! Path keys with a query string (`fixtures/warnings/query-in-path.yaml`): operations
//! sharing a path and method are told apart by the path keys' fixed values (or by the
//! parameters they name), over real HTTP, raw and through the generated client.

use api::Answer;
use api::client::Client;
use api::server::*;
use oapi_gen_server_runtime::{HandlerError, RequestContext};
use oapi_gen_tests::fixtures::warnings_query_in_path_server as api;
use serde_json::{Value, json};

/// Answers with the operation called and its argument.
struct Named;

fn answer(operation: &str, argument: impl ToString) -> Answer {
    Answer {
        operation: operation.to_owned(),
        argument: argument.to_string(),
    }
}

impl Api for Named {
    async fn search_photos(
        &self,
        _: RequestContext,
        r: SearchPhotosRequest,
    ) -> Result<SearchPhotosResponse, HandlerError> {
        Ok(SearchPhotosResponse::Ok(answer("searchPhotos", r.text)))
    }

    async fn list_favorites(
        &self,
        _: RequestContext,
        r: ListFavoritesRequest,
    ) -> Result<ListFavoritesResponse, HandlerError> {
        Ok(ListFavoritesResponse::Ok(answer(
            "listFavorites",
            r.page.unwrap_or(1),
        )))
    }

    async fn current_by_city_and_country(
        &self,
        _: RequestContext,
        r: CurrentByCityAndCountryRequest,
    ) -> Result<CurrentByCityAndCountryResponse, HandlerError> {
        Ok(CurrentByCityAndCountryResponse::Ok(answer(
            "currentByCityAndCountry",
            format!("{},{}", r.city, r.country),
        )))
    }

    async fn current_by_city(
        &self,
        _: RequestContext,
        r: CurrentByCityRequest,
    ) -> Result<CurrentByCityResponse, HandlerError> {
        Ok(CurrentByCityResponse::Ok(answer("currentByCity", r.city)))
    }

    async fn search(
        &self,
        _: RequestContext,
        r: SearchRequest,
    ) -> Result<SearchResponse, HandlerError> {
        Ok(SearchResponse::Ok(answer("search", r.query)))
    }

    async fn user_picture(
        &self,
        _: RequestContext,
        r: UserPictureRequest,
    ) -> Result<UserPictureResponse, HandlerError> {
        Ok(UserPictureResponse::Ok(answer(
            "userPicture",
            format!("{}:{}", r.id, r.apikey),
        )))
    }
}

async fn serve() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        oapi_gen_server_runtime::axum::serve(listener, router(Named))
            .await
            .unwrap()
    });
    format!("http://{address}")
}

async fn get(base: &str, path: &str) -> (u16, Value) {
    let response = reqwest::get(format!("{base}{path}")).await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn requests_are_routed_by_the_path_keys_query() {
    let base = serve().await;
    let cases = [
        (
            "/rest?method=photos.search&text=cats",
            json!(["searchPhotos", "cats"]),
        ),
        (
            "/rest?page=2&method=favorites.getList",
            json!(["listFavorites", "2"]),
        ),
        (
            "/rest?method=favorites%2EgetList",
            json!(["listFavorites", "1"]),
        ),
        (
            "/current?city=Lyon&country=FR",
            json!(["currentByCityAndCountry", "Lyon,FR"]),
        ),
        ("/current?city=Lyon", json!(["currentByCity", "Lyon"])),
        ("/search?query=rust", json!(["search", "rust"])),
        (
            "/users/7/pic?key=secret",
            json!(["userPicture", "7:secret"]),
        ),
    ];
    for (path, expected) in cases {
        let (status, body) = get(&base, path).await;
        assert_eq!(status, 200, "{path}: {body}");
        assert_eq!(
            json!([body["operation"], body["argument"]]),
            expected,
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_query_no_operation_takes_is_a_json_404() {
    let base = serve().await;
    for path in ["/rest?method=other", "/rest", "/current?country=FR"] {
        let (status, body) = get(&base, path).await;
        assert_eq!(status, 404, "{path}: {body}");
        assert_eq!(body, json!({"detail": "Not Found"}), "{path}");
    }
    // A selected operation still validates its own parameters.
    let (status, body) = get(&base, "/rest?method=photos.search").await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["detail"][0]["loc"], json!(["query", "text"]));
}

#[tokio::test]
async fn the_generated_client_sends_the_fixed_values() {
    let client = Client::new(&serve().await).unwrap();
    let found = client.search_photos("dogs".to_owned()).await.unwrap();
    assert_eq!(found.operation, "searchPhotos");
    assert_eq!(found.argument, "dogs");
    let favorites = client.list_favorites().page(3).await.unwrap();
    assert_eq!(favorites.operation, "listFavorites");
    assert_eq!(favorites.argument, "3");
    let current = client
        .current_by_city_and_country("Oslo".to_owned(), "NO".to_owned())
        .await
        .unwrap();
    assert_eq!(current.argument, "Oslo,NO");
    let current = client.current_by_city("Oslo".to_owned()).await.unwrap();
    assert_eq!(current.operation, "currentByCity");
    let search = client.search("a b&c".to_owned()).await.unwrap();
    assert_eq!(
        (search.operation.as_str(), search.argument.as_str()),
        ("search", "a b&c")
    );
}
