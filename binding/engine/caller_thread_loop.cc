#include "engine/caller_thread_loop.h"

#include <aws/common/clock.h>
#include <aws/common/linked_list.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>

namespace s3fs::engine {

struct CallerThreadLoop::Subscription {
  aws_io_handle* handle;
  aws_event_loop_on_event_fn* on_event;
  void* user_data;
  // Events already fetched in this turn may still name a subscription that was just dropped: it is
  // freed by a task, after the turn.
  aws_task free_task;
  bool subscribed;
};

// An epoll loop: readiness subscriptions, no completion ports.
aws_event_loop_vtable CallerThreadLoop::vtable_ = {
    &CallerThreadLoop::Destroy,
    &CallerThreadLoop::Run,
    &CallerThreadLoop::Stop,
    &CallerThreadLoop::WaitForStopCompletion,
    &CallerThreadLoop::ScheduleNow,
    &CallerThreadLoop::ScheduleFuture,
    &CallerThreadLoop::CancelTask,
    nullptr,
    &CallerThreadLoop::Subscribe,
    &CallerThreadLoop::Unsubscribe,
    &CallerThreadLoop::FreeSubscription,
    &CallerThreadLoop::IsOnCallersThread,
};

aws_event_loop_group* CallerThreadLoop::NewGroup(aws_allocator* allocator, const aws_shutdown_callback_options* shutdown,
                                                 CallerThreadLoop** created) {
  *created = nullptr;
  aws_event_loop_group_options options{};
  options.loop_count = 1;
  options.type = AWS_EVENT_LOOP_EPOLL;
  options.shutdown_options = shutdown;
  options.clock_override = &aws_high_res_clock_get_ticks;
  return aws_event_loop_group_new_internal(allocator, &options, &CallerThreadLoop::New, created);
}

aws_event_loop* CallerThreadLoop::New(aws_allocator* allocator, const aws_event_loop_options* options, void* created) {
  auto* loop = new CallerThreadLoop(allocator, options->clock);
  if (!loop->Open()) {
    const int error = aws_last_error();
    Destroy(&loop->base_);
    aws_raise_error(error);
    return nullptr;
  }
  *static_cast<CallerThreadLoop**>(created) = loop;
  return &loop->base_;
}

CallerThreadLoop::CallerThreadLoop(aws_allocator* allocator, aws_io_clock_fn* clock) : owner_(std::this_thread::get_id()) {
  aws_event_loop_init_base(&base_, allocator, clock);
  base_.vtable = &vtable_;
  base_.impl_data = this;
  aws_task_scheduler_init(&scheduler_, allocator);
  aws_linked_list_init(&cross_thread_tasks_);
}

bool CallerThreadLoop::Open() {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  timer_fd_ = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
  if (epoll_fd_ < 0 || wake_fd_ < 0 || timer_fd_ < 0) {
    aws_raise_error(AWS_ERROR_SYS_CALL_FAILURE);
    return false;
  }
  wake_handle_.data.fd = wake_fd_;
  timer_handle_.data.fd = timer_fd_;
  return Subscribe(&base_, &wake_handle_, AWS_IO_EVENT_TYPE_READABLE, &CallerThreadLoop::OnWake, nullptr) ==
             AWS_OP_SUCCESS &&
         Subscribe(&base_, &timer_handle_, AWS_IO_EVENT_TYPE_READABLE, &CallerThreadLoop::OnTimer, nullptr) ==
             AWS_OP_SUCCESS;
}

CallerThreadLoop::~CallerThreadLoop() {
  // Cancelled tasks run now, on this thread, and must find themselves on the loop's thread.
  owner_ = std::this_thread::get_id();
  aws_task_scheduler_clean_up(&scheduler_);
  while (!aws_linked_list_empty(&cross_thread_tasks_)) {
    aws_task* task = AWS_CONTAINER_OF(aws_linked_list_pop_front(&cross_thread_tasks_), aws_task, node);
    task->fn(task, task->arg, AWS_TASK_STATUS_CANCELED);
  }
  if (wake_handle_.additional_data != nullptr) FreeSubscription(wake_handle_.additional_data);
  if (timer_handle_.additional_data != nullptr) FreeSubscription(timer_handle_.additional_data);
  if (timer_fd_ >= 0) close(timer_fd_);
  if (wake_fd_ >= 0) close(wake_fd_);
  if (epoll_fd_ >= 0) close(epoll_fd_);
  aws_event_loop_clean_up_base(&base_);
}

void CallerThreadLoop::Destroy(aws_event_loop* loop) {
  CallerThreadLoop* self = Of(loop);
  Stop(loop);
  WaitForStopCompletion(loop);
  delete self;
}

// The group starts its loops on the thread that creates it: that thread owns this one already.
int CallerThreadLoop::Run(aws_event_loop*) { return AWS_OP_SUCCESS; }

int CallerThreadLoop::Stop(aws_event_loop* loop) {
  CallerThreadLoop* self = Of(loop);
  self->keep_running_ = false;
  self->Wake();
  return AWS_OP_SUCCESS;
}

int CallerThreadLoop::WaitForStopCompletion(aws_event_loop* loop) {
  CallerThreadLoop* self = Of(loop);
  if (self->own_thread_.joinable()) self->own_thread_.join();
  return AWS_OP_SUCCESS;
}

void CallerThreadLoop::MoveToOwnThread() {
  if (moved_.exchange(true)) return;
  owner_ = std::thread::id();
  own_thread_ = std::thread([this] {
    owner_ = std::this_thread::get_id();
    while (keep_running_) Turn(-1);
  });
}

void CallerThreadLoop::RunReady() { Turn(0); }

void CallerThreadLoop::ReleaseWakes() {
  holding_wakes_ = false;
  if (!wake_held_) return;
  wake_held_ = false;
  // Only tasks: the sockets' events come with the driver's next turn.
  in_turn_ = true;
  RunDueTasks();
  in_turn_ = false;
}

void CallerThreadLoop::Turn(int timeout_ms) {
  in_turn_ = true;
  DispatchEvents(timeout_ms);
  RunDueTasks();
  in_turn_ = false;
}

void CallerThreadLoop::DispatchEvents(int timeout_ms) {
  constexpr int kMaxEvents = 64;
  epoll_event events[kMaxEvents];
  const int count = epoll_wait(epoll_fd_, events, kMaxEvents, timeout_ms);
  for (int i = 0; i < count; ++i) {
    auto* subscription = static_cast<Subscription*>(events[i].data.ptr);
    if (!subscription->subscribed) continue;
    int mask = 0;
    if (events[i].events & EPOLLIN) mask |= AWS_IO_EVENT_TYPE_READABLE;
    if (events[i].events & EPOLLOUT) mask |= AWS_IO_EVENT_TYPE_WRITABLE;
    if (events[i].events & EPOLLRDHUP) mask |= AWS_IO_EVENT_TYPE_REMOTE_HANG_UP;
    if (events[i].events & EPOLLHUP) mask |= AWS_IO_EVENT_TYPE_CLOSED;
    if (events[i].events & EPOLLERR) mask |= AWS_IO_EVENT_TYPE_ERROR;
    subscription->on_event(&base_, subscription->handle, mask, subscription->user_data);
  }
}

// Tasks scheduled by tasks (a request's completion, a connection's release) run in this turn: each
// turn left for them costs the driver another pass of its own loop and three system calls.
void CallerThreadLoop::RunDueTasks() {
  if (take_cross_thread_tasks_) TakeCrossThreadTasks();
  constexpr int kMaxTaskRounds = 8;
  uint64_t now = 0;
  uint64_t next = 0;
  for (int round = 0; round < kMaxTaskRounds; ++round) {
    base_.clock(&now);
    aws_task_scheduler_run_all(&scheduler_, now);
    if (!aws_task_scheduler_has_tasks(&scheduler_, &next) || next > now) break;
  }
  ArmTimer();
}

void CallerThreadLoop::OnWake(aws_event_loop* loop, aws_io_handle* handle, int, void*) {
  // One read takes the whole count and leaves the eventfd unreadable.
  uint64_t count;
  if (read(handle->data.fd, &count, sizeof(count)) < 0) count = 0;
  Of(loop)->take_cross_thread_tasks_ = true;
}

void CallerThreadLoop::OnTimer(aws_event_loop* loop, aws_io_handle* handle, int, void*) {
  uint64_t expirations;
  if (read(handle->data.fd, &expirations, sizeof(expirations)) < 0) expirations = 0;
  Of(loop)->timer_deadline_ = 0;
}

void CallerThreadLoop::TakeCrossThreadTasks() {
  take_cross_thread_tasks_ = false;
  aws_linked_list tasks;
  aws_linked_list_init(&tasks);
  {
    std::lock_guard<std::mutex> lock(cross_thread_mutex_);
    aws_linked_list_swap_contents(&cross_thread_tasks_, &tasks);
  }
  while (!aws_linked_list_empty(&tasks)) {
    aws_task* task = AWS_CONTAINER_OF(aws_linked_list_pop_front(&tasks), aws_task, node);
    if (task->timestamp == 0) {
      aws_task_scheduler_schedule_now(&scheduler_, task);
    } else {
      aws_task_scheduler_schedule_future(&scheduler_, task, task->timestamp);
    }
  }
}

// Tasks due now come back through the eventfd (the driver then turns again at once); a later task
// sets the timerfd, which is left alone while its deadline stays the earliest.
void CallerThreadLoop::ArmTimer() {
  uint64_t next = 0;
  if (!aws_task_scheduler_has_tasks(&scheduler_, &next)) return;
  uint64_t now = 0;
  base_.clock(&now);
  if (next <= now) return Wake();
  if (next == timer_deadline_) return;
  timer_deadline_ = next;
  const uint64_t delay = next - now;
  itimerspec spec{};
  spec.it_value.tv_sec = static_cast<time_t>(delay / 1'000'000'000);
  spec.it_value.tv_nsec = static_cast<long>(delay % 1'000'000'000);
  timerfd_settime(timer_fd_, 0, &spec, nullptr);
}

void CallerThreadLoop::Wake() {
  const uint64_t one = 1;
  // A full counter already means a pending wake-up.
  while (write(wake_fd_, &one, sizeof(one)) < 0 && errno == EINTR) {
  }
}

void CallerThreadLoop::Schedule(aws_task* task, uint64_t run_at) {
  if (OnOwningThread()) {
    if (run_at == 0) {
      aws_task_scheduler_schedule_now(&scheduler_, task);
    } else {
      aws_task_scheduler_schedule_future(&scheduler_, task, run_at);
    }
    // Within a turn the turn's end arms what is due; from a JS call nothing would look.
    if (in_turn_) return;
    if (holding_wakes_) {
      wake_held_ = true;
    } else {
      ArmTimer();
    }
    return;
  }
  task->timestamp = run_at;
  bool first;
  {
    std::lock_guard<std::mutex> lock(cross_thread_mutex_);
    first = aws_linked_list_empty(&cross_thread_tasks_);
    aws_linked_list_push_back(&cross_thread_tasks_, &task->node);
  }
  if (first) Wake();
}

void CallerThreadLoop::ScheduleNow(aws_event_loop* loop, aws_task* task) { Of(loop)->Schedule(task, 0); }

void CallerThreadLoop::ScheduleFuture(aws_event_loop* loop, aws_task* task, uint64_t run_at) {
  // A future task at time 0 would read as "now" on the cross-thread list; it is due anyway.
  Of(loop)->Schedule(task, run_at == 0 ? 1 : run_at);
}

void CallerThreadLoop::CancelTask(aws_event_loop* loop, aws_task* task) {
  aws_task_scheduler_cancel_task(&Of(loop)->scheduler_, task);
}

int CallerThreadLoop::Subscribe(aws_event_loop* loop, aws_io_handle* handle, int events,
                                aws_event_loop_on_event_fn* on_event, void* user_data) {
  auto* subscription = new Subscription{handle, on_event, user_data, {}, true};
  // Edge-triggered, as the CRT's socket handler expects: it reads until it would block or
  // reschedules itself, and waits for the next edge otherwise.
  epoll_event event{};
  event.events = EPOLLET | EPOLLHUP | EPOLLRDHUP | EPOLLERR;
  if (events & AWS_IO_EVENT_TYPE_READABLE) event.events |= EPOLLIN;
  if (events & AWS_IO_EVENT_TYPE_WRITABLE) event.events |= EPOLLOUT;
  event.data.ptr = subscription;
  if (epoll_ctl(Of(loop)->epoll_fd_, EPOLL_CTL_ADD, handle->data.fd, &event) != 0) {
    delete subscription;
    return aws_raise_error(AWS_ERROR_SYS_CALL_FAILURE);
  }
  handle->additional_data = subscription;
  return AWS_OP_SUCCESS;
}

int CallerThreadLoop::Unsubscribe(aws_event_loop* loop, aws_io_handle* handle) {
  auto* subscription = static_cast<Subscription*>(handle->additional_data);
  epoll_event ignored{};
  if (epoll_ctl(Of(loop)->epoll_fd_, EPOLL_CTL_DEL, handle->data.fd, &ignored) != 0) {
    return aws_raise_error(AWS_ERROR_SYS_CALL_FAILURE);
  }
  subscription->subscribed = false;
  aws_task_init(
      &subscription->free_task, [](aws_task*, void* arg, aws_task_status) { FreeSubscription(arg); }, subscription,
      "s3fs_caller_loop_unsubscribe");
  ScheduleNow(loop, &subscription->free_task);
  handle->additional_data = nullptr;
  return AWS_OP_SUCCESS;
}

void CallerThreadLoop::FreeSubscription(void* subscription) { delete static_cast<Subscription*>(subscription); }

bool CallerThreadLoop::IsOnCallersThread(aws_event_loop* loop) { return Of(loop)->OnOwningThread(); }

}  // namespace s3fs::engine
