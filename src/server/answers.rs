//! The answers any operation can give besides its own, added to every operation of the
//! OpenAPI document so a client (or schemathesis) meets no undocumented status code: bad
//! input, a missing login or role, an unknown id or site, a body too large or too slow, a
//! database that is away or busy.
use utoipa::openapi::path::Operation;
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, ResponseBuilder};

/// Operations anyone may call: no 401/403 for them.
const PUBLIC: [&str; 3] = ["/api/health", "/api/auth/login", "/api/agents/register"];

fn error_answer(description: &str) -> RefOr<utoipa::openapi::Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ErrorBody")))
                    .build(),
            )
            .build(),
    )
}

fn add(op: &mut Operation, code: &str, description: &str) {
    op.responses
        .responses
        .entry(code.to_string())
        .or_insert_with(|| error_answer(description));
}

/// Adds the common error answers to every operation that does not document them itself.
pub fn document(doc: &mut OpenApi) {
    for (path, item) in doc.paths.paths.iter_mut() {
        let public = PUBLIC.contains(&path.as_str());
        let ops = [
            (&mut item.get, false),
            (&mut item.delete, false),
            (&mut item.post, true),
            (&mut item.put, true),
            (&mut item.patch, true),
        ];
        for (op, with_body) in ops {
            let Some(op) = op.as_mut() else { continue };
            let agent = op.security.as_ref().is_some_and(|s| !s.is_empty());
            add(
                op,
                "400",
                "Bad input; the answer names the parameter, field or path value",
            );
            if !public {
                add(
                    op,
                    "401",
                    "Login required (or, on the agent channel, a valid agent token)",
                );
                if !agent {
                    add(
                        op,
                        "403",
                        "The admin role or the X-CSRF-Token header is missing",
                    );
                }
            }
            if path.as_str() != "/api/health" {
                add(op, "404", "No such id, site or endpoint");
            }
            if with_body {
                add(op, "408", "The request body arrived too slowly");
                add(op, "413", "The request body is too large");
            }
            add(
                op,
                "503",
                "The database is unavailable or busy; retry after Retry-After",
            );
        }
    }
}
