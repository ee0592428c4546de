//! Many tables read side by side. One GETBULK carries a varbind for every column still
//! open (as net-snmp's `snmptable` reads a table), so the thirty-odd small columns a switch
//! poll needs cost a handful of round trips instead of one or more each. Columns read this
//! way are kept for the session: a later walk of any of them, or of a part of one, is
//! answered from what was read.
use super::{BULK_ROWS, Failure, MAX_WALK_ROWS, Rows, Session, Val, oid};
use crate::scan::error::ProbeError;

/// Varbinds asked for per GETBULK while several columns are open: a 48-port switch's
/// tables come in about eight answers of a few kilobytes each (an agent that cannot fit
/// them truncates the answer, as RFC 3416 §4.2.3 has it, and the rest is asked again).
const BULK_VARBINDS: u32 = 64;

/// One column being walked.
struct Column {
    root: Vec<u64>,
    cursor: Vec<u64>,
    rows: Rows,
    done: bool,
}

impl Column {
    fn new(root: &[u64]) -> Self {
        Column {
            root: root.to_vec(),
            cursor: root.to_vec(),
            rows: Vec::new(),
            done: false,
        }
    }
}

/// Folds one GETBULK answer into the columns it asked for (`asked`, in request order). The
/// answer repeats that order, one value per column per repetition; a column ends at its
/// first value outside its root, at the end of the MIB, or at a name that does not increase
/// (an agent going backwards would loop forever). An empty answer ends every asked column.
fn fold(columns: &mut [Column], asked: &[usize], answer: Rows) {
    if answer.is_empty() {
        for &c in asked {
            columns[c].done = true;
        }
        return;
    }
    for (i, (name, val)) in answer.into_iter().enumerate() {
        let column = &mut columns[asked[i % asked.len()]];
        if column.done {
            continue;
        }
        if !name.starts_with(&column.root) || val == Val::Absent || name <= column.cursor {
            column.done = true;
            continue;
        }
        column.cursor.clone_from(&name);
        column.rows.push((name, val));
    }
}

impl Session {
    /// Every row under each of `roots`, in order, bounded by [`MAX_WALK_ROWS`] per root.
    /// SNMPv1 has no GETBULK: its columns are walked one after another, a GETNEXT each.
    pub async fn walk_columns(&mut self, roots: &[Vec<u64>]) -> Result<Vec<Rows>, Failure> {
        let mut columns: Vec<Column> = roots.iter().map(|r| Column::new(r)).collect();
        let one_at_a_time = self.is_v1();
        loop {
            let open = (0..columns.len()).filter(|&c| !columns[c].done);
            let asked: Vec<usize> = if one_at_a_time {
                open.take(1).collect()
            } else {
                open.collect()
            };
            if asked.is_empty() {
                return Ok(columns.into_iter().map(|c| c.rows).collect());
            }
            if asked
                .iter()
                .any(|&c| columns[c].rows.len() >= MAX_WALK_ROWS)
            {
                return Err(Failure::Unanswered(format!(
                    "a table larger than {MAX_WALK_ROWS} rows"
                )));
            }
            let starts: Vec<_> = asked.iter().map(|&c| oid(&columns[c].cursor)).collect();
            let per_column = u32::try_from(asked.len()).unwrap_or(u32::MAX);
            let repetitions = (BULK_VARBINDS / per_column).clamp(1, BULK_ROWS);
            let answer = self.exchange(&starts, repetitions).await?;
            fold(&mut columns, &asked, answer);
        }
    }

    /// Reads `roots` side by side and keeps them for the session's later walks. As the
    /// first read of a poll, its failure says whether the credentials or the path are wrong.
    pub async fn prefetch(&mut self, roots: &[Vec<u64>]) -> Result<(), ProbeError> {
        match self.walk_columns(roots).await {
            Ok(tables) => {
                self.read.extend(roots.iter().cloned().zip(tables));
                Ok(())
            }
            Err(e) if self.has_answered() => Err(self.cut_short(e, "SNMP tables")),
            Err(e) => Err(self.first_failure(e)),
        }
    }

    /// The rows under `root` when a prefetched column holds all of them.
    pub(super) fn already_read(&self, root: &[u64]) -> Option<Rows> {
        let (_, rows) = self
            .read
            .iter()
            .find(|(read_root, _)| root.starts_with(read_root))?;
        Some(
            rows.iter()
                .filter(|(name, _)| name.starts_with(root))
                .cloned()
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &[u64], v: i64) -> (Vec<u64>, Val) {
        (name.to_vec(), Val::Int(v))
    }

    #[test]
    fn answers_are_split_by_column_and_each_column_ends_on_its_own() {
        let mut cols = vec![
            Column::new(&[1, 1]),
            Column::new(&[1, 2]),
            Column::new(&[1, 3]),
        ];
        // Repetition-major: (1.1.x, 1.2.x, 1.3.x) twice. 1.1 ends in the second repetition
        // (its next name is in 1.2), 1.3 was empty from the start.
        let answer = vec![
            row(&[1, 1, 1], 10),
            row(&[1, 2, 1], 20),
            row(&[1, 4, 1], 0),
            row(&[1, 2, 1], 0),
            row(&[1, 2, 2], 21),
            row(&[1, 4, 2], 0),
        ];
        fold(&mut cols, &[0, 1, 2], answer);
        assert_eq!(cols[0].rows, vec![row(&[1, 1, 1], 10)]);
        assert!(cols[0].done);
        assert_eq!(cols[1].rows, vec![row(&[1, 2, 1], 20), row(&[1, 2, 2], 21)]);
        assert!(!cols[1].done, "still inside its root: asked again");
        assert_eq!(cols[1].cursor, vec![1, 2, 2]);
        assert!(cols[2].rows.is_empty() && cols[2].done);
    }

    #[test]
    fn a_truncated_answer_leaves_the_unanswered_columns_open() {
        let mut cols = vec![
            Column::new(&[1, 1]),
            Column::new(&[1, 2]),
            Column::new(&[1, 3]),
        ];
        fold(&mut cols, &[0, 1, 2], vec![row(&[1, 1, 1], 1)]);
        assert_eq!(cols[0].rows.len(), 1);
        assert!(!cols[0].done && !cols[1].done && !cols[2].done);
        assert_eq!(cols[1].cursor, vec![1, 2], "asked again from its start");
    }

    #[test]
    fn end_of_mib_repeated_names_and_empty_answers_end_columns() {
        let mut cols = vec![Column::new(&[1, 1]), Column::new(&[1, 2])];
        cols[1].cursor = vec![1, 2, 5];
        let answer = vec![(vec![1, 1, 1], Val::Absent), row(&[1, 2, 5], 0)];
        fold(&mut cols, &[0, 1], answer);
        assert!(cols[0].done && cols[0].rows.is_empty());
        assert!(
            cols[1].done,
            "a name that does not increase ends the column"
        );

        let mut cols = vec![Column::new(&[1, 1]), Column::new(&[1, 2])];
        fold(&mut cols, &[1], Vec::new());
        assert!(!cols[0].done && cols[1].done, "only asked columns end");
    }

    #[test]
    fn answers_map_onto_the_asked_columns_only() {
        let mut cols = vec![
            Column::new(&[1, 1]),
            Column::new(&[1, 2]),
            Column::new(&[1, 3]),
        ];
        cols[1].done = true;
        let answer = vec![row(&[1, 1, 1], 1), row(&[1, 3, 1], 3), row(&[1, 1, 2], 2)];
        fold(&mut cols, &[0, 2], answer);
        assert_eq!(cols[0].rows.len(), 2);
        assert_eq!(cols[2].rows, vec![row(&[1, 3, 1], 3)]);
        assert!(cols[1].rows.is_empty());
    }
}
