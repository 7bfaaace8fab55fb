//! The writer against real files: what a plan writes, replays to the same conversation.

use super::*;
use crate::chat::Usage;

#[test]
fn sync_writes_only_changes_and_replays_to_the_same_conversation() {
    let dir = tempfile::tempdir().unwrap();
    let store = HistoryStore::new(dir.path());
    let mut w = HistoryWriter::new(store.clone());
    let mut conv = Conversation::default();
    assert!(w.sync(&conv).unwrap().created.is_none());
    conv.push(Role::User, "question".into(), TurnState::Done);
    let created = w.sync(&conv).unwrap().created.unwrap();
    conv.id = created.clone();
    let a = conv.push(Role::Assistant, String::new(), TurnState::Connecting);
    conv.messages[a].provider = "openai".into();
    conv.messages[a].key_id = Some("k7".into());
    w.sync(&conv).unwrap();
    for piece in ["Hel", "lo ", "world"] {
        conv.messages[a].text.push_str(piece);
        conv.messages[a].state = TurnState::Streaming;
        conv.messages[a].answered = true;
        assert!(w.sync(&conv).unwrap().ended.is_empty());
    }
    // Nothing changed: nothing written.
    let before = std::fs::read_to_string(store.path(&created)).unwrap();
    w.sync(&conv).unwrap();
    assert_eq!(
        std::fs::read_to_string(store.path(&created)).unwrap(),
        before
    );
    // Mid-stream the file already holds the partial answer, marked incomplete on load.
    let (mid, report) = store.load(&created).unwrap();
    assert_eq!(mid.messages[1].text, "Hello world");
    assert!(report.incomplete);
    conv.messages[a].state = TurnState::Done;
    conv.messages[a].usage = Some(Usage {
        input_tokens: 5,
        output_tokens: 3,
        ..Default::default()
    });
    let carry = crate::chat::Carry {
        api: "responses".into(),
        model: "o4-mini".into(),
        items: vec![
            serde_json::json!({"type": "reasoning", "id": "rs_1", "encrypted_content": "gAAA"}),
        ],
    };
    conv.messages[a].carry = Some(carry.clone());
    let ended = w.sync(&conv).unwrap().ended;
    assert_eq!(ended.len(), 1);
    assert_eq!(ended[0].key_id.as_deref(), Some("k7"));
    assert_eq!(ended[0].prompt_chars, 8);
    let (back, report) = store.load(&created).unwrap();
    assert!(!report.incomplete && report.skipped_lines.is_empty());
    assert_eq!(back.messages.len(), 2);
    assert_eq!(back.messages[1].text, "Hello world");
    assert_eq!(back.messages[1].state, TurnState::Done);
    assert_eq!(back.messages[1].usage.unwrap().output_tokens, 3);
    // Encrypted reasoning is kept for the next turn, opaque.
    assert_eq!(back.messages[1].carry, Some(carry));
    assert_eq!(back.history()[1].carry, back.messages[1].carry);
    assert_eq!(store.last().as_deref(), Some(created.as_str()));
    // Regenerate: the answer is taken back and a new one written.
    conv.messages.pop();
    // The app gives every new message a fresh id (never the replaced one's).
    let b = conv.push_with_id(3, Role::Assistant, "Second try".into(), TurnState::Done);
    assert_eq!(b, 1);
    w.sync(&conv).unwrap();
    let (back, _) = store.load(&created).unwrap();
    assert_eq!(back.messages.len(), 2);
    assert_eq!(back.messages[1].text, "Second try");
    // Files are private.
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(store.path(&created))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let dmode = std::fs::metadata(&store.dir).unwrap().permissions().mode();
    assert_eq!(dmode & 0o777, 0o700);
}

#[test]
fn a_new_conversation_gets_a_new_file_and_resume_appends_to_the_old_one() {
    let dir = tempfile::tempdir().unwrap();
    let store = HistoryStore::new(dir.path());
    let mut w = HistoryWriter::new(store.clone());
    let mut one = Conversation::default();
    one.push(Role::User, "one".into(), TurnState::Done);
    one.id = w.sync(&one).unwrap().created.unwrap();
    // The runtime gives the model its id at once, and syncs again.
    w.sync(&one).unwrap();
    let mut two = Conversation::default();
    two.push(Role::User, "two".into(), TurnState::Done);
    let id2 = w.sync(&two).unwrap().created.unwrap();
    assert_ne!(one.id, id2);
    let (mut loaded, _) = store.load(&one.id).unwrap();
    let mut w2 = HistoryWriter::new(store.clone());
    w2.resume(&loaded).unwrap();
    loaded.push(Role::User, "again".into(), TurnState::Done);
    w2.sync(&loaded).unwrap();
    let (back, _) = store.load(&one.id).unwrap();
    let texts: Vec<&str> = back.messages.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(texts, ["one", "again"]);
    assert_eq!(store.list().len(), 2);
}

#[test]
fn a_request_no_provider_answered_is_saved_but_not_billed() {
    let dir = tempfile::tempdir().unwrap();
    let store = HistoryStore::new(dir.path());
    let mut w = HistoryWriter::new(store.clone());
    let mut conv = Conversation::default();
    conv.push(Role::User, "question".into(), TurnState::Done);
    conv.id = w.sync(&conv).unwrap().created.unwrap();
    let a = conv.push(Role::Assistant, String::new(), TurnState::Connecting);
    w.sync(&conv).unwrap();
    conv.messages[a].state = TurnState::Failed(crate::chat::TurnError {
        kind: crate::chat::FailureKind::Network,
        message: "connection refused".into(),
    });
    assert!(w.sync(&conv).unwrap().ended.is_empty());
    // The failure itself is in the file.
    let (back, _) = store.load(&conv.id).unwrap();
    assert!(matches!(back.messages[1].state, TurnState::Failed(_)));
    // One the provider answered, even with an error after some text, is billed.
    conv.messages.pop();
    let b = conv.push_with_id(9, Role::Assistant, String::new(), TurnState::Connecting);
    w.sync(&conv).unwrap();
    conv.messages[b].answered = true;
    conv.messages[b].text = "partial".into();
    conv.messages[b].state = TurnState::Failed(crate::chat::TurnError {
        kind: crate::chat::FailureKind::Network,
        message: "connection dropped".into(),
    });
    assert_eq!(w.sync(&conv).unwrap().ended.len(), 1);
}

#[test]
fn a_cut_is_written_once_and_replays_with_every_message_kept() {
    let dir = tempfile::tempdir().unwrap();
    let store = HistoryStore::new(dir.path());
    let mut w = HistoryWriter::new(store.clone());
    let mut conv = Conversation::default();
    for text in ["one", "two", "three", "four"] {
        conv.push(Role::User, text.into(), TurnState::Done);
    }
    conv.id = w.sync(&conv).unwrap().created.unwrap();
    conv.sent_from = 2;
    w.sync(&conv).unwrap();
    let text = std::fs::read_to_string(store.path(&conv.id)).unwrap();
    w.sync(&conv).unwrap();
    assert_eq!(
        std::fs::read_to_string(store.path(&conv.id)).unwrap(),
        text,
        "an unchanged cut is not written again"
    );
    assert_eq!(text.matches(r#""t":"cut""#).count(), 1, "{text}");
    let (back, _) = store.load(&conv.id).unwrap();
    assert_eq!(back.messages.len(), 4, "the file keeps every turn");
    assert_eq!(back.sent_from, 2);
    let sent: Vec<&str> = back.sent().map(|m| m.text.as_str()).collect();
    assert_eq!(sent, ["three", "four"]);
    // Taking back messages below the cut moves it up: what follows is sent.
    conv.messages.truncate(1);
    conv.clamp_cut();
    conv.push_with_id(9, Role::User, "again".into(), TurnState::Done);
    w.sync(&conv).unwrap();
    let (back, _) = store.load(&conv.id).unwrap();
    let sent: Vec<&str> = back.sent().map(|m| m.text.as_str()).collect();
    assert_eq!(sent, ["again"]);
}

#[test]
fn a_checkpoint_put_in_among_saved_messages_replays_in_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let store = HistoryStore::new(dir.path());
    let mut w = HistoryWriter::new(store.clone());
    let mut conv = Conversation::default();
    for (i, text) in ["one", "two", "three", "four"].into_iter().enumerate() {
        conv.push_with_id(i as u64 + 1, Role::User, text.into(), TurnState::Done);
    }
    conv.id = w.sync(&conv).unwrap().created.unwrap();
    let mut checkpoint = conv.messages[0].clone();
    checkpoint.id = 9;
    checkpoint.text = "summary of one and two".into();
    checkpoint.checkpoint = true;
    conv.messages.insert(2, checkpoint);
    conv.sent_from = 2;
    w.sync(&conv).unwrap();
    let (back, report) = store.load(&conv.id).unwrap();
    assert!(report.skipped_lines.is_empty());
    let texts: Vec<&str> = back.messages.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(
        texts,
        ["one", "two", "summary of one and two", "three", "four"]
    );
    assert!(back.messages[2].checkpoint && !back.messages[3].checkpoint);
    let sent: Vec<&str> = back.sent().map(|m| m.text.as_str()).collect();
    assert_eq!(sent, ["summary of one and two", "three", "four"]);
}

#[test]
fn the_system_prompt_and_presets_are_written_once_each_change_and_replay() {
    let dir = tempfile::tempdir().unwrap();
    let store = HistoryStore::new(dir.path());
    let mut w = HistoryWriter::new(store.clone());
    let mut conv = Conversation {
        system: Some("Be terse.".into()),
        preset: Some("terse".into()),
        ..Default::default()
    };
    conv.push(Role::User, "q".into(), TurnState::Done);
    conv.id = w.sync(&conv).unwrap().created.unwrap();
    let a = conv.push(Role::Assistant, "a".into(), TurnState::Done);
    conv.messages[a].preset = Some("terse".into());
    w.sync(&conv).unwrap();
    // Unchanged: not written again. Edited: written before the next message.
    conv.system = Some("Be verbose.".into());
    conv.preset = None;
    conv.push(Role::User, "q2".into(), TurnState::Done);
    w.sync(&conv).unwrap();
    let text = std::fs::read_to_string(store.path(&conv.id)).unwrap();
    assert_eq!(text.matches(r#""t":"system""#).count(), 2, "{text}");
    let (back, _) = store.load(&conv.id).unwrap();
    assert_eq!(back.system.as_deref(), Some("Be verbose."));
    assert_eq!(back.preset, None);
    assert_eq!(back.messages[1].preset.as_deref(), Some("terse"));
    // A file from before presets loads with no system prompt of its own.
    let old = r#"{"t":"meta","v":1,"id":"c1","created":1}
{"t":"msg","n":0,"role":"user","text":"hi","at":1}"#;
    let (conv, report) = crate::history::replay(old);
    assert!(report.skipped_lines.is_empty());
    assert_eq!(conv.system, None);
}

#[test]
fn attachments_are_kept_by_content_once_and_read_back_checked() {
    use crate::chat::Attachment;
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let store = HistoryStore::new(dir.path());
    let mut w = HistoryWriter::new(store.clone());
    let mut conv = Conversation::default();
    let a = Attachment::from_bytes("notes.txt", b"remember this\n".to_vec()).unwrap();
    for text in ["one", "two"] {
        let n = conv.push(Role::User, text.into(), TurnState::Done);
        conv.messages[n].attachments = vec![a.clone()];
        if let Some(id) = w.sync(&conv).unwrap().created {
            conv.id = id;
        }
    }
    let blob = dir.path().join("attachments").join(&a.sha256);
    let mode = std::fs::metadata(&blob).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    assert_eq!(
        std::fs::read_dir(dir.path().join("attachments"))
            .unwrap()
            .count(),
        1
    );
    let (back, _) = store.load(&conv.id).unwrap();
    assert_eq!(back.messages[1].attachments, vec![a.clone()]);
    assert_eq!(
        back.history()[0].content,
        "notes.txt:\n```\nremember this\n```\n\none"
    );
    // Damaged bytes are not sent: the message says the attachment is missing.
    std::fs::write(&blob, b"tampered").unwrap();
    let (back, _) = store.load(&conv.id).unwrap();
    assert!(back.messages[0].attachments.is_empty());
    assert!(back.messages[0].notes[0].contains("notes.txt is missing from history"));
}

#[test]
fn a_tree_round_trips_with_the_branch_shown_and_failed_answers_forgotten() {
    let dir = tempfile::tempdir().unwrap();
    let store = HistoryStore::new(dir.path());
    let mut w = HistoryWriter::new(store.clone());
    let mut conv = Conversation::default();
    let answer = |conv: &mut Conversation, id: u64, text: &str| {
        let a = conv.push_with_id(id, Role::Assistant, text.into(), TurnState::Done);
        conv.messages[a].answered = true;
        conv.relabel();
    };
    conv.push_with_id(1, Role::User, "q".into(), TurnState::Done);
    answer(&mut conv, 2, "a1");
    conv.id = w.sync(&conv).unwrap().created.unwrap();
    conv.push_with_id(3, Role::User, "q2".into(), TurnState::Done);
    answer(&mut conv, 4, "b1");
    w.sync(&conv).unwrap();
    // Regenerate the first answer: its branch is parked, a sibling answers.
    conv.park_from(1);
    answer(&mut conv, 5, "a2");
    let synced = w.sync(&conv).unwrap();
    assert_eq!(
        synced.ended[0].message,
        Some(4),
        "the ledger learns the reply's number"
    );
    // A failed attempt at the third, asked again: the failed one is forgotten.
    conv.park_from(1);
    let f = conv.push_with_id(6, Role::Assistant, String::new(), TurnState::Done);
    conv.messages[f].state = TurnState::Failed(crate::chat::TurnError::recorded("boom".into()));
    w.sync(&conv).unwrap();
    conv.messages.pop();
    answer(&mut conv, 7, "a3");
    w.sync(&conv).unwrap();
    // Back to the first branch: the file says which is shown.
    assert!(conv.switch(1, -2));
    w.sync(&conv).unwrap();
    let text = std::fs::read_to_string(store.path(&conv.id)).unwrap();
    assert!(!text.contains(r#""t":"truncate""#), "{text}");
    assert_eq!(text.matches(r#""t":"forget""#).count(), 1, "{text}");
    let (back, report) = store.load(&conv.id).unwrap();
    assert!(report.skipped_lines.is_empty());
    let path: Vec<&str> = back.messages.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(path, ["q", "a1", "q2", "b1"]);
    let parked: Vec<&str> = back.parked.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(parked, ["a2", "a3"]);
    assert_eq!(back.messages[1].branch, Some((1, 3)));
    assert_eq!(back.next_n, 7);
    // Resumed, the writer goes on numbering where the file stopped, under the right parent.
    let mut back = back;
    let mut w2 = HistoryWriter::new(store.clone());
    w2.resume(&back).unwrap();
    back.push_with_id(99, Role::User, "q3".into(), TurnState::Done);
    w2.sync(&back).unwrap();
    let (again, _) = store.load(&conv.id).unwrap();
    let path: Vec<&str> = again.messages.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(path, ["q", "a1", "q2", "b1", "q3"]);
    assert_eq!(again.messages[4].file_n, Some(7));
}

#[test]
fn deleting_a_conversation_deletes_the_attachments_no_other_one_names() {
    use crate::chat::Attachment;
    let dir = tempfile::tempdir().unwrap();
    let store = HistoryStore::new(dir.path());
    let shared = Attachment::from_bytes("shared.txt", b"both\n".to_vec()).unwrap();
    let own = Attachment::from_bytes("own.txt", b"one\n".to_vec()).unwrap();
    let mut ids = Vec::new();
    for files in [vec![shared.clone(), own.clone()], vec![shared.clone()]] {
        let mut w = HistoryWriter::new(store.clone());
        let mut conv = Conversation::default();
        let n = conv.push(Role::User, "q".into(), TurnState::Done);
        conv.messages[n].attachments = files;
        ids.push(w.sync(&conv).unwrap().created.unwrap());
    }
    let blobs = dir.path().join("attachments");
    store.remove(&ids[0]).unwrap();
    assert!(
        blobs.join(&shared.sha256).is_file(),
        "still named by the other"
    );
    assert!(!blobs.join(&own.sha256).exists());
    store.remove(&ids[1]).unwrap();
    assert!(!blobs.join(&shared.sha256).exists());
}
