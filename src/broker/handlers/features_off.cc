// APIs whose feature Gregor does not have yet, answered exactly as Apache Kafka answers them
// with that feature off, so admin clients get a Kafka error instead of a closed connection:
//   DescribeAcls/CreateAcls/DeleteAcls (29-31): SECURITY_DISABLED (no authorizer configured);
//   SaslHandshake/SaslAuthenticate (17, 36) on a PLAINTEXT listener: ILLEGAL_SASL_STATE;
//   Create/Renew/Expire/DescribeDelegationToken (38-41) on a non-SASL listener:
//     DELEGATION_TOKEN_REQUEST_NOT_ALLOWED;
//   ListPartitionReassignments (46): no reassignment is ever in progress (empty);
//   DescribeClientQuotas (48): no quota is configured (empty);
//   DescribeUserScramCredentials (50): no credential exists (named users RESOURCE_NOT_FOUND).
#include <set>

#include "broker/handlers/handlers.h"
#include "model/error_code.h"
#include "protocol/generated/messages.h"

namespace gregor::broker::handlers {

using model::ErrorCode;

namespace {
constexpr const char* kNoAuthorizer = "No Authorizer is configured on the broker";
constexpr int16_t code(ErrorCode e) { return int16_t(e); }

// Decodes Req and answers a Resp whose only content is the error code.
template <class Req, class Resp>
asio::awaitable<net::HandlerResult> answer_with_error(RequestContext& ctx, ErrorCode e) {
  auto req = decode_body<Req>(ctx);
  if (!req) co_return close_connection();
  Resp resp;
  resp.error_code = code(e);
  co_return respond(ctx, resp);
}
}  // namespace

asio::awaitable<net::HandlerResult> describe_acls(RequestContext& ctx) {
  auto req = decode_body<proto::DescribeAclsRequest>(ctx);
  if (!req) co_return close_connection();
  proto::DescribeAclsResponse resp;
  resp.error_code = code(ErrorCode::SECURITY_DISABLED);
  resp.error_message = kNoAuthorizer;
  co_return respond(ctx, resp);
}

asio::awaitable<net::HandlerResult> create_acls(RequestContext& ctx) {
  auto req = decode_body<proto::CreateAclsRequest>(ctx);
  if (!req) co_return close_connection();
  proto::CreateAclsResponse resp;
  for (size_t i = 0; i < req->creations.size(); ++i) {
    proto::CreateAclsResponse::AclCreationResult r;
    r.error_code = code(ErrorCode::SECURITY_DISABLED);
    r.error_message = kNoAuthorizer;
    resp.results.push_back(std::move(r));
  }
  co_return respond(ctx, resp);
}

asio::awaitable<net::HandlerResult> delete_acls(RequestContext& ctx) {
  auto req = decode_body<proto::DeleteAclsRequest>(ctx);
  if (!req) co_return close_connection();
  proto::DeleteAclsResponse resp;
  for (size_t i = 0; i < req->filters.size(); ++i) {
    proto::DeleteAclsResponse::DeleteAclsFilterResult r;
    r.error_code = code(ErrorCode::SECURITY_DISABLED);
    r.error_message = kNoAuthorizer;
    resp.filter_results.push_back(std::move(r));
  }
  co_return respond(ctx, resp);
}

asio::awaitable<net::HandlerResult> sasl_handshake(RequestContext& ctx) {
  // The listener is not a SASL one.
  return answer_with_error<proto::SaslHandshakeRequest, proto::SaslHandshakeResponse>(ctx,
                                                                                    ErrorCode::ILLEGAL_SASL_STATE);
}

asio::awaitable<net::HandlerResult> sasl_authenticate(RequestContext& ctx) {
  auto req = decode_body<proto::SaslAuthenticateRequest>(ctx);
  if (!req) co_return close_connection();
  proto::SaslAuthenticateResponse resp;
  resp.error_code = code(ErrorCode::ILLEGAL_SASL_STATE);
  resp.error_message = "SaslAuthenticate request received after successful authentication";
  co_return respond(ctx, resp);
}

asio::awaitable<net::HandlerResult> create_delegation_token(RequestContext& ctx) {
  auto req = decode_body<proto::CreateDelegationTokenRequest>(ctx);
  if (!req) co_return close_connection();
  proto::CreateDelegationTokenResponse resp;
  resp.error_code = code(ErrorCode::DELEGATION_TOKEN_REQUEST_NOT_ALLOWED);
  resp.principal_type = "User";
  resp.principal_name = "ANONYMOUS";
  resp.token_requester_principal_type = "User";
  resp.token_requester_principal_name = "ANONYMOUS";
  co_return respond(ctx, resp);
}

asio::awaitable<net::HandlerResult> renew_delegation_token(RequestContext& ctx) {
  return answer_with_error<proto::RenewDelegationTokenRequest, proto::RenewDelegationTokenResponse>(
      ctx, ErrorCode::DELEGATION_TOKEN_REQUEST_NOT_ALLOWED);
}

asio::awaitable<net::HandlerResult> expire_delegation_token(RequestContext& ctx) {
  return answer_with_error<proto::ExpireDelegationTokenRequest, proto::ExpireDelegationTokenResponse>(
      ctx, ErrorCode::DELEGATION_TOKEN_REQUEST_NOT_ALLOWED);
}

asio::awaitable<net::HandlerResult> describe_delegation_token(RequestContext& ctx) {
  return answer_with_error<proto::DescribeDelegationTokenRequest, proto::DescribeDelegationTokenResponse>(
      ctx, ErrorCode::DELEGATION_TOKEN_REQUEST_NOT_ALLOWED);
}

asio::awaitable<net::HandlerResult> list_partition_reassignments(RequestContext& ctx) {
  auto req = decode_body<proto::ListPartitionReassignmentsRequest>(ctx);
  if (!req) co_return close_connection();
  proto::ListPartitionReassignmentsResponse resp;  // nothing is being reassigned
  co_return respond(ctx, resp);
}

asio::awaitable<net::HandlerResult> describe_client_quotas(RequestContext& ctx) {
  auto req = decode_body<proto::DescribeClientQuotasRequest>(ctx);
  if (!req) co_return close_connection();
  proto::DescribeClientQuotasResponse resp;
  for (const auto& c : req->components) {
    // Kafka's match types: 0 exact (needs a name), 1 default, 2 any.
    if (c.match_type < 0 || c.match_type > 2 || (c.match_type == 0 && !c.match)) {
      resp.error_code = code(ErrorCode::INVALID_REQUEST);
      resp.error_message = "Unknown match type " + std::to_string(c.match_type);
      resp.entries = std::nullopt;
      co_return respond(ctx, resp);
    }
  }
  resp.entries = std::vector<proto::DescribeClientQuotasResponse::EntryData>{};  // no quota is configured
  co_return respond(ctx, resp);
}

asio::awaitable<net::HandlerResult> describe_user_scram_credentials(RequestContext& ctx) {
  auto req = decode_body<proto::DescribeUserScramCredentialsRequest>(ctx);
  if (!req) co_return close_connection();
  proto::DescribeUserScramCredentialsResponse resp;
  if (req->users) {
    std::set<std::string> seen, duplicated;
    for (const auto& u : *req->users)
      if (!seen.insert(u.name).second) duplicated.insert(u.name);
    for (const auto& name : seen) {
      proto::DescribeUserScramCredentialsResponse::DescribeUserScramCredentialsResult r;
      r.user = name;
      if (duplicated.count(name)) {
        r.error_code = code(ErrorCode::DUPLICATE_RESOURCE);
        r.error_message = "Cannot describe SCRAM credentials for the same user twice in a single request: " + name;
      } else {
        r.error_code = code(ErrorCode::RESOURCE_NOT_FOUND);
        r.error_message = "Attempt to describe a user credential that does not exist: " + name;
      }
      resp.results.push_back(std::move(r));
    }
  }
  co_return respond(ctx, resp);
}

}  // namespace gregor::broker::handlers
