//! The task lifecycle of seed 004 ("Task Statuses", "Approve a Task", "Reject a Task").
//! Unknown statuses are data, not errors: both functions answer `false` for them.

pub const TASK_STATUSES: [&str; 6] = ["pending", "pending_approval", "in_progress", "completed", "rejected", "failed"];

pub fn is_terminal_status(status: &str) -> bool {
    matches!(status, "completed" | "rejected" | "failed")
}

pub fn can_transition(from: &str, to: &str) -> bool {
    matches!(
        (from, to),
        ("pending_approval", "pending")
            | ("pending_approval", "rejected")
            | ("pending", "in_progress")
            | ("in_progress", "completed")
            | ("in_progress", "failed")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_whole_six_by_six_table() {
        // Rows: from; columns: to, in TASK_STATUSES order.
        let table: [[bool; 6]; 6] = [
            [false, false, true, false, false, false],  // pending -> in_progress
            [true, false, false, false, true, false],   // pending_approval -> pending | rejected
            [false, false, false, true, false, true],   // in_progress -> completed | failed
            [false; 6],                                 // completed is terminal
            [false; 6],                                 // rejected is terminal
            [false; 6],                                 // failed is terminal
        ];
        for (from, row) in TASK_STATUSES.iter().zip(table) {
            for (to, expected) in TASK_STATUSES.iter().zip(row) {
                assert_eq!(can_transition(from, to), expected, "{from} -> {to}");
            }
        }
    }

    #[test]
    fn terminal_statuses() {
        let terminal: Vec<_> = TASK_STATUSES.into_iter().filter(|s| is_terminal_status(s)).collect();
        assert_eq!(terminal, ["completed", "rejected", "failed"]);
    }

    #[test]
    fn unknown_statuses_are_never_terminal_nor_reachable() {
        assert!(!is_terminal_status("archived"));
        assert!(!is_terminal_status(""));
        assert!(!can_transition("archived", "pending"));
        assert!(!can_transition("pending", "archived"));
        assert!(!can_transition("PENDING", "in_progress"));
    }
}
