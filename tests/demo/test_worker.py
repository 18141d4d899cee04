"""The worker's bookkeeping of the recorder's batches."""

from __future__ import annotations

from app.demo.worker import all_batches_arrived


def test_a_session_is_complete_only_when_every_batch_up_to_the_final_one_arrived() -> None:
    assert not all_batches_arrived([{"seq": 1}, {"seq": 2}])
    assert not all_batches_arrived([{"seq": 1}, {"seq": 3, "final": True}])  # 2 still on its way
    assert all_batches_arrived([{"seq": 2}, {"seq": 3, "final": True}, {"seq": 1}])
