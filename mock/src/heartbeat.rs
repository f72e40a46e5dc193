//! Simulated agents: on every heartbeat each agent of a running company reports in, finishes
//! the task it started on an earlier beat (completed, or failed at `--fail-rate`), and picks
//! up its next pending task.

use crate::locks::lock;
use crate::state::{Account, Mock};
use crate::time::{now_ms, rfc3339};
use serde_json::{json, Value};

pub fn beat(mock: &Mock, account: &Account) {
    let mut guard = lock(&account.data);
    let d = &mut *guard;
    d.beat += 1;
    let beat = d.beat;
    let running: Vec<(String, Vec<String>)> = d
        .companies
        .iter()
        .filter(|c| c.status == "running")
        .map(|c| (c.id.clone(), c.agents.iter().map(|a| a.id.clone()).collect()))
        .collect();
    for (company_id, agents) in running {
        for agent_id in agents {
            account.emit(d, &company_id, "agent.heartbeat", json!({"agent_id": agent_id}), mock);
            let of_agent = |t: &crate::state::Task| t.get("company_id") == company_id && t.get("agent_id") == agent_id;
            if let Some(i) = d.tasks.iter().position(|t| of_agent(t) && t.get("status") == "in_progress" && t.started_beat < Some(beat)) {
                finish(mock, account, d, i, &company_id, &agent_id);
            }
            if let Some(t) = d.tasks.iter_mut().find(|t| of_agent(t) && t.get("status") == "pending") {
                t.fields.insert("status".into(), "in_progress".into());
                t.fields.insert("started_at".into(), rfc3339(now_ms()).into());
                t.started_beat = Some(beat);
                mock.mark_dirty();
            }
        }
    }
}

fn finish(mock: &Mock, account: &Account, d: &mut crate::state::Data, i: usize, company_id: &str, agent_id: &str) {
    let failed = mock.random() < mock.config.fail_rate;
    let cost = ((0.5 + mock.random() * 2.5) * 100.0).round() / 100.0;
    let Some(t) = d.tasks.get_mut(i) else { return };
    let title = t.get("title").to_owned();
    let task_id = t.get("id").to_owned();
    let slug: String = title.to_lowercase().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    let output = if failed {
        json!({"summary": format!("Failed: the agent could not finish \"{title}\""), "artifacts": []})
    } else {
        json!({"summary": format!("Done: {title}"), "artifacts": [format!("{slug}.pdf")]})
    };
    for (k, v) in [
        ("status", Value::from(if failed { "failed" } else { "completed" })),
        ("output", output),
        ("cost", cost.into()),
        ("completed_at", rfc3339(now_ms()).into()),
    ] {
        t.fields.insert(k.into(), v);
    }
    if failed {
        account.emit(d, company_id, "agent.error", json!({"agent_id": agent_id, "task_id": task_id, "message": "task execution failed"}), mock);
    } else {
        account.emit(d, company_id, "task.completed", json!({"task_id": task_id, "agent_id": agent_id, "cost": cost}), mock);
    }
    let threshold = mock.config.cost_threshold;
    let Some(c) = d.company_mut(company_id) else { return };
    c.total_cost += cost;
    if !c.threshold_reached && c.total_cost >= threshold {
        c.threshold_reached = true;
        let total = (c.total_cost * 100.0).round() / 100.0;
        account.emit(d, company_id, "costs.threshold_reached", json!({"threshold": threshold, "total": total}), mock);
    }
}
