//! Every JSON example of the API reference's pages, copied verbatim into `tests/fixtures/`
//! (where each comes from is noted there), must round-trip through its model unchanged: a
//! field the model lacks or invents fails the comparison.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use super::*;
use crate::core::envelope::parse_envelope;
use serde::de::DeserializeOwned;

/// The `json` of each of a fixture's `examples`, in page order.
fn examples(fixture: &str) -> Vec<Value> {
    let doc: Value = serde_json::from_str(fixture).unwrap();
    doc["examples"].as_array().unwrap().iter().map(|example| example["json"].clone()).collect()
}

fn round_trips<T: DeserializeOwned + Serialize>(value: &Value) -> T {
    let model: T = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(&serde_json::to_value(&model).unwrap(), value);
    model
}

fn envelope_data<T: DeserializeOwned + Serialize>(value: &Value) -> T {
    let text = value.to_string();
    let env = parse_envelope(200, Some(value.clone()), &text, None).unwrap();
    round_trips::<Meta>(&env.meta);
    round_trips(&env.data)
}

#[test]
fn api_overview_examples() {
    let ex = examples(include_str!("../../../tests/fixtures/api-overview.json"));
    assert_eq!(ex.len(), 5, "the overview has five parseable JSON examples");
    let company: Company = envelope_data(&ex[0]);
    assert_eq!(company.status, "running");
    let err = parse_envelope(429, Some(ex[1].clone()), "", None).unwrap_err();
    assert_eq!(err.code, "rate_limit_exceeded");
    let meta: Meta = round_trips(&ex[2]);
    assert_eq!(meta.cursor, Some(Some("eyJpZCI6ImNvXzEwMDkifQ".into())));
    assert_eq!(ex[3]["type"], "agent.heartbeat");
    assert_eq!(ex[4]["type"], "task.completed");
}

#[test]
fn tasks_api_examples() {
    let ex = examples(include_str!("../../../tests/fixtures/tasks-api.json"));
    assert_eq!(ex.len(), 10, "the tasks page has ten JSON examples");
    let create: CreateTaskParams = serde_json::from_value(ex[0].clone()).unwrap();
    assert_eq!(create.priority, Some(TaskPriority::High));
    let created: Task = envelope_data(&ex[1]);
    assert_eq!((created.status.as_str(), created.cost), ("pending", None));
    let list: Vec<TaskSummary> = envelope_data(&ex[2]);
    assert_eq!(list[0].status, "in_progress");
    let full: Task = envelope_data(&ex[3]);
    assert_eq!(full.output.as_ref().unwrap().artifacts, ["report_q2_2026.pdf"]);
    assert_eq!(full.cost, Some(1.85));
    let update: UpdateTaskParams = serde_json::from_value(ex[4].clone()).unwrap();
    assert_eq!(update.priority, Some(TaskPriority::Critical));
    let updated: TaskUpdate = envelope_data(&ex[5]);
    assert_eq!(updated.updated_at, "2026-05-25T10:05:00Z");
    let approve: ApproveTaskParams = serde_json::from_value(ex[6].clone()).unwrap();
    assert_eq!(approve.comment.as_deref(), Some("Approved. Prioritize APAC data."));
    let approval: TaskApproval = envelope_data(&ex[7]);
    assert_eq!(approval.approved_by, "user_demo");
    let reject: RejectTaskParams = serde_json::from_value(ex[8].clone()).unwrap();
    assert!(reject.reason.unwrap().starts_with("Duplicate"));
    let rejection: TaskRejection = envelope_data(&ex[9]);
    assert_eq!(rejection.status, "rejected");
}

#[test]
fn statuses_match_the_lifecycle_table() {
    let all: Vec<String> = [
        TaskStatus::Pending,
        TaskStatus::PendingApproval,
        TaskStatus::InProgress,
        TaskStatus::Completed,
        TaskStatus::Rejected,
        TaskStatus::Failed,
    ]
    .iter()
    .map(|s| serde_json::to_value(s).unwrap().as_str().unwrap().to_owned())
    .collect();
    assert_eq!(all, crate::core::status::TASK_STATUSES);
}

#[test]
fn unknown_statuses_and_extra_states_pass_through() {
    let task = serde_json::json!({"id":"tsk_1","company_id":"co_1","agent_id":null,"title":"t","status":"archived",
        "priority":"urgent","created_at":"2026-05-25T10:00:00Z","description":null});
    let model: Task = round_trips(&task);
    assert_eq!(model.status, "archived");
}
