//! The caller API Gateway or a Function URL authenticated, from the event's request
//! context.

use std::collections::HashMap;

use lambda_http::aws_lambda_events::apigw::{
    ApiGatewayProxyRequestContext, ApiGatewayRequestAuthorizerIamDescription,
    ApiGatewayRequestIdentity, ApiGatewayV2httpRequestContext,
};
use lambda_http::request::RequestContext;
use serde_json::{Map, Value};

use crate::context::{CallerIdentity, IamCaller, JwtCaller};

/// The caller of a request with this context, when the event names one.
pub(crate) fn caller(context: &RequestContext) -> Option<CallerIdentity> {
    match context {
        RequestContext::ApiGatewayV2(context) => http_api(context),
        RequestContext::ApiGatewayV1(context) => rest_api(context),
        _ => None,
    }
}

/// An HTTP API (payload v2) or Function URL caller: `authorizer.iam`, `.jwt` or
/// `.lambda`.
fn http_api(context: &ApiGatewayV2httpRequestContext) -> Option<CallerIdentity> {
    let authorizer = context.authorizer.as_ref()?;
    if let Some(iam) = &authorizer.iam {
        return Some(CallerIdentity::Iam(iam_caller(iam)));
    }
    if let Some(jwt) = &authorizer.jwt {
        return Some(CallerIdentity::Jwt(JwtCaller {
            claims: sorted(
                jwt.claims
                    .iter()
                    .map(|(name, value)| (name.clone(), Value::String(value.clone()))),
            ),
            scopes: jwt.scopes.clone().unwrap_or_default(),
        }));
    }
    lambda_authorizer(&authorizer.fields)
}

/// A REST API (payload v1) caller: Cognito user pool claims in `authorizer.claims`,
/// a Lambda authorizer's context in `authorizer`, or an IAM caller in `identity`.
fn rest_api(context: &ApiGatewayProxyRequestContext) -> Option<CallerIdentity> {
    let fields = &context.authorizer.fields;
    if let Some(Value::Object(claims)) = fields.get("claims") {
        // Access tokens carry their scopes as one space-separated claim.
        let scopes = match claims.get("scope") {
            Some(Value::String(scope)) => scope.split_whitespace().map(str::to_owned).collect(),
            _ => Vec::new(),
        };
        return Some(CallerIdentity::Jwt(JwtCaller {
            claims: sorted(claims.iter().map(|(k, v)| (k.clone(), v.clone()))),
            scopes,
        }));
    }
    lambda_authorizer(fields).or_else(|| rest_iam_caller(&context.identity))
}

/// The context a Lambda authorizer returned, when it returned any.
fn lambda_authorizer(fields: &HashMap<String, Value>) -> Option<CallerIdentity> {
    (!fields.is_empty()).then(|| {
        CallerIdentity::Authorizer(sorted(
            fields
                .iter()
                .map(|(name, value)| (name.clone(), value.clone())),
        ))
    })
}

fn iam_caller(iam: &ApiGatewayRequestAuthorizerIamDescription) -> IamCaller {
    IamCaller {
        user_arn: iam.user_arn.clone(),
        account_id: iam.account_id.clone(),
        caller_id: iam.caller_id.clone(),
        access_key: iam.access_key.clone(),
        principal_org_id: iam.principal_org_id.clone(),
    }
}

/// The IAM caller of a REST API request, when it was signed (`AWS_IAM` auth fills
/// `userArn`, `caller` and `accessKey`; unauthenticated requests leave them null).
fn rest_iam_caller(identity: &ApiGatewayRequestIdentity) -> Option<CallerIdentity> {
    let caller = IamCaller {
        user_arn: given(&identity.user_arn),
        account_id: given(&identity.account_id),
        caller_id: given(&identity.caller),
        access_key: given(&identity.access_key),
        principal_org_id: None,
    };
    let signed =
        caller.user_arn.is_some() || caller.caller_id.is_some() || caller.access_key.is_some();
    signed.then_some(CallerIdentity::Iam(caller))
}

/// A field of a REST API `identity`, which has `""` or `null` for absent values.
fn given(value: &Option<String>) -> Option<String> {
    value.clone().filter(|value| !value.is_empty())
}

/// A JSON object with its keys in order (the events hold them in hash maps), so that
/// what handlers see and log does not change from one run to the next.
fn sorted(entries: impl Iterator<Item = (String, Value)>) -> Map<String, Value> {
    let mut entries: Vec<_> = entries.collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    entries.into_iter().collect()
}
