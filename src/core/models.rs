//! The resources and parameters of seeds 000 and 004, field for field, as TypeScript types.
//!
//! Wire names stay snake_case (as the Stripe and OpenAI SDKs keep them). Fields the seeds
//! show on every response are required; fields that appear only in some states are
//! optional, and `null` stays `null`. Values the server may extend (statuses, event types)
//! are typed as unions for editors but arrive as whatever string the server sent.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tsify::Tsify;

type Object = Map<String, Value>;

/// Absent stays absent and `null` stays `null` through a round trip.
fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

macro_rules! string_union {
    ($(#[$doc:meta])* $name:ident { $($variant:ident),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Tsify, Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }
    };
}

string_union!(
    /// See https://capx.ai/docs/api#task-statuses.
    TaskStatus { Pending, PendingApproval, InProgress, Completed, Rejected, Failed }
);
string_union!(TaskPriority { Low, Medium, High, Critical });
string_union!(CompanyStatus { Running, Paused, Stopped });
string_union!(GovernanceMode { Autonomous, HumanInLoop });

#[derive(Tsify, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Company {
    pub id: String,
    pub name: String,
    #[tsify(type = "CompanyStatus")]
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "GovernanceMode")]
    pub governance_mode: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub created_at: Option<String>,
}

#[derive(Tsify, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct TaskOutput {
    pub summary: String,
    pub artifacts: Vec<String>,
}

/// See https://capx.ai/docs/api#create-a-task and https://capx.ai/docs/api#get-a-task.
#[derive(Tsify, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Task {
    pub id: String,
    pub company_id: String,
    #[tsify(type = "string | null")]
    pub agent_id: Option<String>,
    pub title: String,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "string | null")]
    pub description: Option<Option<String>>,
    #[tsify(type = "TaskStatus")]
    pub status: String,
    #[tsify(type = "TaskPriority")]
    pub priority: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "Record<string, unknown>")]
    pub metadata: Option<Object>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub output: Option<TaskOutput>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub cost: Option<f64>,
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub started_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub completed_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub updated_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub approved_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub approved_at: Option<String>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "string | null")]
    pub approval_comment: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub rejected_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub rejected_at: Option<String>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "string | null")]
    pub rejection_reason: Option<Option<String>>,
}

/// See https://capx.ai/docs/api#list-tasks: the items of a task list.
#[derive(Tsify, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct TaskSummary {
    pub id: String,
    pub title: String,
    #[tsify(type = "string | null")]
    pub agent_id: Option<String>,
    #[tsify(type = "TaskStatus")]
    pub status: String,
    #[tsify(type = "TaskPriority")]
    pub priority: String,
    pub created_at: String,
}

/// See https://capx.ai/docs/api#update-a-task: the fields the update answers with.
#[derive(Tsify, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct TaskUpdate {
    pub id: String,
    pub title: String,
    #[tsify(type = "TaskPriority")]
    pub priority: String,
    #[tsify(type = "string | null")]
    pub description: Option<String>,
    #[tsify(type = "TaskStatus")]
    pub status: String,
    pub updated_at: String,
}

/// See https://capx.ai/docs/api#approve-a-task.
#[derive(Tsify, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct TaskApproval {
    pub id: String,
    #[tsify(type = "TaskStatus")]
    pub status: String,
    pub approved_by: String,
    pub approved_at: String,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "string | null")]
    pub approval_comment: Option<Option<String>>,
}

/// See https://capx.ai/docs/api#reject-a-task.
#[derive(Tsify, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct TaskRejection {
    pub id: String,
    #[tsify(type = "TaskStatus")]
    pub status: String,
    pub rejected_by: String,
    pub rejected_at: String,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "string | null")]
    pub rejection_reason: Option<Option<String>>,
}

/// See https://capx.ai/docs/api#response-format and https://capx.ai/docs/api#pagination.
#[derive(Tsify, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Meta {
    pub credits_used: u64,
    pub credits_remaining: u64,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "string | null")]
    pub cursor: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub has_more: Option<bool>,
}

/// See https://capx.ai/docs/api#rate-limits: the `X-RateLimit-*` headers, `reset` in Unix epoch seconds.
#[derive(Tsify, Serialize, Deserialize, Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    pub limit: u64,
    pub remaining: u64,
    pub reset: u64,
}

/// What every call resolves to: the unwrapped envelope.
#[derive(Tsify, Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ApiResult<T> {
    pub data: T,
    pub meta: Meta,
    #[tsify(type = "RateLimit | null")]
    pub rate_limit: Option<RateLimit>,
    /// The HTTP status, e.g. 201 for a create.
    pub status: u16,
}

#[derive(Tsify, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct CreateTaskParams {
    pub title: String,
    #[tsify(optional)]
    pub description: Option<String>,
    #[tsify(optional)]
    #[tsify(type = "string | null")]
    pub agent_id: Option<String>,
    #[tsify(optional)]
    pub priority: Option<TaskPriority>,
    #[tsify(optional, type = "Record<string, unknown>")]
    pub metadata: Option<Object>,
}

#[derive(Tsify, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct ListTasksParams {
    #[tsify(optional)]
    pub status: Option<TaskStatus>,
    #[tsify(optional)]
    #[tsify(type = "string | null")]
    pub agent_id: Option<String>,
    #[tsify(optional)]
    pub priority: Option<TaskPriority>,
    /// ISO 8601: tasks created after this instant.
    #[tsify(optional)]
    pub since: Option<String>,
    /// Page size, default 25, max 100.
    #[tsify(optional)]
    pub limit: Option<u32>,
    #[tsify(optional)]
    pub cursor: Option<String>,
}

#[derive(Tsify, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct UpdateTaskParams {
    #[tsify(optional)]
    pub title: Option<String>,
    #[tsify(optional)]
    pub description: Option<String>,
    #[tsify(optional)]
    pub priority: Option<TaskPriority>,
    #[tsify(optional, type = "Record<string, unknown>")]
    pub metadata: Option<Object>,
}

#[derive(Tsify, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct ApproveTaskParams {
    #[tsify(optional)]
    pub comment: Option<String>,
}

#[derive(Tsify, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct RejectTaskParams {
    #[tsify(optional)]
    pub reason: Option<String>,
}

#[derive(Tsify, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct CreateCompanyParams {
    pub name: String,
    #[tsify(optional)]
    pub governance_mode: Option<GovernanceMode>,
}

#[derive(Tsify, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct ListParams {
    #[tsify(optional)]
    pub limit: Option<u32>,
    #[tsify(optional)]
    pub cursor: Option<String>,
}

#[cfg(test)]
mod tests;
