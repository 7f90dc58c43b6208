#pragma once

#include <aws/common/task_scheduler.h>
#include <aws/io/event_loop.h>
#include <aws/io/private/event_loop_impl.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>

namespace s3fs::engine {

// A CRT event loop that runs on the thread that calls the engine (the JS thread) for as long as that
// thread drives it, and on a thread of its own afterwards. A request whose time is its round trip
// (a HEAD, a 4 KiB range) then never crosses threads: it is signed and sent from the JS call, and its
// response is read and settled on the JS thread, where the CRT's own loops cost two cross-CPU
// wake-ups per request (JS thread -> loop thread -> JS thread).
//
// Its readiness is one file descriptor, an epoll set holding the sockets (edge-triggered, as the
// CRT's socket code expects), an eventfd for tasks and a timerfd for future tasks. The driver (libuv,
// napi/caller_loop_driver) watches that descriptor and calls RunReady on the owning thread; after
// MoveToOwnThread a thread of its own waits on it instead, so that the CRT can wind down connections
// while the JS thread is gone or waiting.
class CallerThreadLoop {
 public:
  // An aws_event_loop_group of this one loop, owned by the calling thread; the loop is reachable
  // through *created until the group destroys it.
  static aws_event_loop_group* NewGroup(aws_allocator* allocator, const aws_shutdown_callback_options* shutdown,
                                        CallerThreadLoop** created);

  int ready_fd() const { return epoll_fd_; }
  // One turn on the owning thread: the sockets' events, then the tasks that are due.
  void RunReady();
  // Between these two calls on the caller's thread (a JS call starting a request), tasks it schedules
  // wait for ReleaseWakes, which runs them in a turn of its own, without a round through the driver.
  void HoldWakes() { holding_wakes_ = true; }
  void ReleaseWakes();
  // True while a turn runs on the caller's thread: what finishes now can be settled right after it.
  bool TurningOnCallerThread() const { return OnOwningThread() && !moved_ && in_turn_; }
  // From now on the loop runs on a thread of its own. Idempotent; the first call must come from the
  // owning thread, after its driver has stopped watching ready_fd().
  void MoveToOwnThread();

 private:
  struct Subscription;

  CallerThreadLoop(aws_allocator* allocator, aws_io_clock_fn* clock);
  ~CallerThreadLoop();
  bool Open();
  void Turn(int timeout_ms);
  void DispatchEvents(int timeout_ms);
  void RunDueTasks();
  void Schedule(aws_task* task, uint64_t run_at);
  void Wake();
  void TakeCrossThreadTasks();
  void ArmTimer();
  bool OnOwningThread() const { return owner_.load() == std::this_thread::get_id(); }
  static void OnWake(aws_event_loop* loop, aws_io_handle* handle, int events, void* user_data);
  static void OnTimer(aws_event_loop* loop, aws_io_handle* handle, int events, void* user_data);

  static aws_event_loop* New(aws_allocator* allocator, const aws_event_loop_options* options, void* created);
  static CallerThreadLoop* Of(aws_event_loop* loop) { return static_cast<CallerThreadLoop*>(loop->impl_data); }
  static void Destroy(aws_event_loop* loop);
  static int Run(aws_event_loop* loop);
  static int Stop(aws_event_loop* loop);
  static int WaitForStopCompletion(aws_event_loop* loop);
  static void ScheduleNow(aws_event_loop* loop, aws_task* task);
  static void ScheduleFuture(aws_event_loop* loop, aws_task* task, uint64_t run_at);
  static void CancelTask(aws_event_loop* loop, aws_task* task);
  static int Subscribe(aws_event_loop* loop, aws_io_handle* handle, int events, aws_event_loop_on_event_fn* on_event,
                       void* user_data);
  static int Unsubscribe(aws_event_loop* loop, aws_io_handle* handle);
  static void FreeSubscription(void* subscription);
  static bool IsOnCallersThread(aws_event_loop* loop);
  static aws_event_loop_vtable vtable_;

  aws_event_loop base_{};
  aws_task_scheduler scheduler_{};
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  int timer_fd_ = -1;
  aws_io_handle wake_handle_{};
  aws_io_handle timer_handle_{};

  // The thread whose calls count as the loop's own: the creator, then the loop's thread, then the
  // destroyer (so that tasks cancelled at destruction see themselves on the loop); nobody while the
  // loop moves.
  std::atomic<std::thread::id> owner_;
  bool in_turn_ = false;
  bool holding_wakes_ = false;
  bool wake_held_ = false;
  bool take_cross_thread_tasks_ = false;
  // The timerfd's deadline on the loop's clock, 0 when disarmed or fired.
  uint64_t timer_deadline_ = 0;

  std::mutex cross_thread_mutex_;
  aws_linked_list cross_thread_tasks_{};

  std::thread own_thread_;
  std::atomic<bool> moved_{false};
  std::atomic<bool> keep_running_{true};
};

}  // namespace s3fs::engine
