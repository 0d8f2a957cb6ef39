//! The one owner of background work. Anything slow (opening the database, argon2, queries)
//! runs here on a named worker thread, so that the window never freezes.
//!
//! The runner knows no feature: a feature names its jobs with a key of its own ([`JobKey`])
//! and its results with a type of its own; the app wraps both in its own enums and gives each
//! feature a [`Runner`] of its own key and result types (see `workers.rs`).
//!
//! At most one job of each key runs at a time. A worker sends its result over a bounded
//! channel and asks egui for a repaint, so that `App::logic` picks the result up at once.

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

/// Results that may wait for the UI thread: more than there are kinds of job, so that a
/// finishing worker never blocks on a full channel.
const RESULT_CAPACITY: usize = 16;

/// The name of one kind of background work; one job of a key may run at a time.
pub trait JobKey: Copy + Eq + std::fmt::Debug + Send + 'static {
    /// The worker thread's name, as debuggers and `top -H` show it: `"load-account"`.
    fn thread_name(self) -> &'static str;

    /// What the job does, for messages: `"loading the account"`.
    fn describe(self) -> &'static str;
}

/// What [`Jobs::poll`] reports.
#[derive(Debug)]
pub enum JobEvent<K, T> {
    /// A job finished and sent its result.
    Finished(T),
    /// A worker stopped without a result (it panicked); its key is free again.
    Crashed(K),
}

/// Why a job did not start.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// A job of the same key is still running.
    #[error("closedesk is still {doing}")]
    Busy {
        /// What the running job does: "loading the account".
        doing: &'static str,
    },
    /// The operating system refused a new thread.
    #[error("could not start a worker thread for {doing}: {source}")]
    Spawn {
        /// What the job that did not start would have done.
        doing: &'static str,
        /// The operating system's reason.
        source: std::io::Error,
    },
}

/// Starting jobs of key `K` whose results are `T`: the [`Jobs`] runner itself, or the runner
/// seen through a feature's own key and result types (which convert into the app's).
pub trait Runner<K, T> {
    /// Runs `work` on a new worker thread named after `key`, unless a job of that key runs.
    fn start_boxed(&mut self, key: K, work: Box<dyn FnOnce() -> T + Send>) -> Result<(), JobError>;

    /// Whether a job of `key` is running.
    fn is_running(&self, key: K) -> bool;

    /// The context a worker repaints when it reports progress before its result.
    fn ctx(&self) -> &egui::Context;
}

struct Message<K, T> {
    key: K,
    generation: u64,
    output: T,
}

struct Running<K> {
    key: K,
    generation: u64,
    handle: JoinHandle<()>,
}

/// Starts background jobs and collects their results.
pub struct Jobs<K, T> {
    ctx: egui::Context,
    sender: SyncSender<Message<K, T>>,
    receiver: Receiver<Message<K, T>>,
    running: Vec<Running<K>>,
    /// Results of jobs started under an older generation are dropped (see [`Self::discard_running`]).
    generation: u64,
}

impl<K: JobKey, T: Send + 'static> Jobs<K, T> {
    /// A runner whose finished jobs repaint `ctx`.
    pub fn new(ctx: egui::Context) -> Self {
        let (sender, receiver) = sync_channel(RESULT_CAPACITY);
        Self { ctx, sender, receiver, running: Vec::new(), generation: 0 }
    }

    /// Whether a job of `key` is running.
    pub fn is_running(&self, key: K) -> bool {
        self.running.iter().any(|job| job.key == key)
    }

    /// Drops the results of every job running now, e.g. on sign-out, so that no account data
    /// arrives after the session ended. The jobs still finish; their keys stay busy until then.
    pub fn discard_running(&mut self) {
        self.generation += 1;
    }

    /// Runs `work` on a new worker thread named after `key`, unless a job of that key runs.
    pub fn start(&mut self, key: K, work: impl FnOnce() -> T + Send + 'static) -> Result<(), JobError> {
        if self.is_running(key) {
            return Err(JobError::Busy { doing: key.describe() });
        }
        let sender = self.sender.clone();
        let ctx = self.ctx.clone();
        let generation = self.generation;
        let handle = std::thread::Builder::new()
            .name(key.thread_name().to_owned())
            .spawn(move || {
                let output = work();
                // Sending fails only when the window has closed, and then nobody needs the result.
                let _ = sender.send(Message { key, generation, output });
                ctx.request_repaint();
            })
            .map_err(|source| JobError::Spawn { doing: key.describe(), source })?;
        tracing::debug!(job = key.thread_name(), "started");
        self.running.push(Running { key, generation, handle });
        Ok(())
    }

    /// The results that arrived since the last call, and the workers that died without one.
    pub fn poll(&mut self) -> Vec<JobEvent<K, T>> {
        // Which workers had ended before the channel is read: a worker sends before it ends,
        // so one that had ended and whose result is not in the channel has crashed.
        let ended: Vec<usize> =
            self.running.iter().enumerate().filter(|(_, job)| job.handle.is_finished()).map(|(i, _)| i).collect();
        let mut events = Vec::new();
        let mut reported = Vec::new();
        while let Ok(message) = self.receiver.try_recv() {
            reported.push((message.key, message.generation));
            if message.generation == self.generation {
                tracing::debug!(job = message.key.thread_name(), "finished");
                events.push(JobEvent::Finished(message.output));
            }
        }
        let mut index = 0;
        self.running.retain(|job| {
            let this = index;
            index += 1;
            let has_result = reported.contains(&(job.key, job.generation));
            if !has_result && ended.contains(&this) && job.generation == self.generation {
                tracing::error!(job = job.key.thread_name(), "worker stopped without a result");
                events.push(JobEvent::Crashed(job.key));
            }
            !(has_result || ended.contains(&this))
        });
        events
    }
}

/// A feature starts its jobs on the app's runner in its own terms: its key converts into the
/// app's key, and its result into the app's result.
impl<K, T, FK, FT> Runner<FK, FT> for Jobs<K, T>
where
    K: JobKey,
    T: Send + 'static,
    FK: Into<K>,
    FT: Into<T> + 'static,
{
    fn start_boxed(&mut self, key: FK, work: Box<dyn FnOnce() -> FT + Send>) -> Result<(), JobError> {
        self.start(key.into(), move || work().into())
    }

    fn is_running(&self, key: FK) -> bool {
        Jobs::is_running(self, key.into())
    }

    fn ctx(&self) -> &egui::Context {
        &self.ctx
    }
}

#[cfg(test)]
impl<K: JobKey, T: Send + 'static> Jobs<K, T> {
    /// What the workers report, waiting up to 30 s for the first report: for tests.
    pub fn wait_for_events(&mut self) -> Vec<JobEvent<K, T>> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            let events = self.poll();
            if !events.is_empty() || std::time::Instant::now() > deadline {
                return events;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;

    /// Two kinds of test job.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum TestJob {
        Slow,
        Other,
    }

    impl JobKey for TestJob {
        fn thread_name(self) -> &'static str {
            match self {
                Self::Slow => "slow-job",
                Self::Other => "other-job",
            }
        }

        fn describe(self) -> &'static str {
            match self {
                Self::Slow => "doing the slow job",
                Self::Other => "doing the other job",
            }
        }
    }

    /// A feature's own key and result, as the app would wrap them.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    struct FeatureJob;

    impl From<FeatureJob> for TestJob {
        fn from(_: FeatureJob) -> Self {
            Self::Other
        }
    }

    struct FeatureOutput(u32);

    impl From<FeatureOutput> for String {
        fn from(output: FeatureOutput) -> Self {
            format!("feature {}", output.0)
        }
    }

    #[test]
    fn one_job_of_a_kind_at_a_time_and_the_kind_is_free_once_it_reports() {
        let mut jobs: Jobs<TestJob, String> = Jobs::new(egui::Context::default());
        let (release, wait) = std::sync::mpsc::channel::<()>();
        jobs.start(TestJob::Slow, move || {
            wait.recv().ok();
            "done".to_owned()
        })
        .unwrap();
        assert!(jobs.is_running(TestJob::Slow));
        let refused = jobs.start(TestJob::Slow, String::new);
        assert!(matches!(refused, Err(JobError::Busy { doing: "doing the slow job" })), "{refused:?}");
        assert_eq!(refused.unwrap_err().to_string(), "closedesk is still doing the slow job");
        assert!(!jobs.is_running(TestJob::Other));

        release.send(()).unwrap();
        let events = jobs.wait_for_events();
        assert!(matches!(events.as_slice(), [JobEvent::Finished(text)] if text == "done"), "{events:?}");
        assert!(!jobs.is_running(TestJob::Slow));
    }

    #[test]
    fn results_of_discarded_jobs_are_dropped() {
        let mut jobs: Jobs<TestJob, String> = Jobs::new(egui::Context::default());
        let (release, wait) = std::sync::mpsc::channel::<()>();
        jobs.start(TestJob::Slow, move || {
            wait.recv().ok();
            "stale".to_owned()
        })
        .unwrap();
        jobs.discard_running();
        release.send(()).unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        while jobs.is_running(TestJob::Slow) && Instant::now() < deadline {
            assert!(jobs.poll().is_empty(), "a discarded result arrived");
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(!jobs.is_running(TestJob::Slow));
    }

    #[test]
    fn a_worker_that_panics_is_reported_and_frees_its_kind() {
        let mut jobs: Jobs<TestJob, String> = Jobs::new(egui::Context::default());
        jobs.start(TestJob::Other, || panic!("boom")).unwrap();
        let events = jobs.wait_for_events();
        assert!(matches!(events.as_slice(), [JobEvent::Crashed(TestJob::Other)]), "{events:?}");
        assert!(!jobs.is_running(TestJob::Other));
    }

    #[test]
    fn workers_are_named() {
        let mut jobs: Jobs<TestJob, String> = Jobs::new(egui::Context::default());
        jobs.start(TestJob::Slow, || std::thread::current().name().unwrap_or_default().to_owned()).unwrap();
        let events = jobs.wait_for_events();
        assert!(matches!(events.as_slice(), [JobEvent::Finished(name)] if name == "slow-job"), "{events:?}");
    }

    #[test]
    fn a_feature_starts_its_own_jobs_and_the_app_gets_them_wrapped() {
        let mut jobs: Jobs<TestJob, String> = Jobs::new(egui::Context::default());
        let runner: &mut dyn Runner<FeatureJob, FeatureOutput> = &mut jobs;
        runner.start_boxed(FeatureJob, Box::new(|| FeatureOutput(7))).unwrap();
        assert!(runner.is_running(FeatureJob));
        let refused = runner.start_boxed(FeatureJob, Box::new(|| FeatureOutput(8)));
        assert!(matches!(refused, Err(JobError::Busy { doing: "doing the other job" })));
        let events = jobs.wait_for_events();
        assert!(matches!(events.as_slice(), [JobEvent::Finished(text)] if text == "feature 7"), "{events:?}");
    }
}
