from django.urls import path

from bookings.api.trust import disputes, reviews

urlpatterns = [
    path(
        "bookings/<int:booking_id>/reviews/",
        reviews.BookingReviewsView.as_view(),
        name="booking-reviews",
    ),
    path(
        "providers/<int:provider_id>/reviews/",
        reviews.ProviderReviewsView.as_view(),
        name="provider-reviews",
    ),
    path(
        "reviews/<int:review_id>/report/", reviews.ReviewReportView.as_view(), name="review-report"
    ),
    path("review-reports/", reviews.ReviewReportListView.as_view(), name="review-report-list"),
    path(
        "review-reports/<int:report_id>/decide/",
        reviews.ReviewReportDecideView.as_view(),
        name="review-report-decide",
    ),
    path(
        "review-reports/<int:report_id>/appeal/",
        reviews.ReviewReportAppealView.as_view(),
        name="review-report-appeal",
    ),
    path(
        "review-reports/<int:report_id>/decide-appeal/",
        reviews.ReviewReportDecideAppealView.as_view(),
        name="review-report-decide-appeal",
    ),
    path(
        "bookings/<int:booking_id>/dispute/",
        disputes.BookingDisputeView.as_view(),
        name="booking-dispute",
    ),
    path(
        "bookings/<int:booking_id>/dispute/evidence/",
        disputes.DisputeEvidenceView.as_view(),
        name="dispute-evidence",
    ),
    path(
        "bookings/<int:booking_id>/dispute/evidence/<int:evidence_id>/file/",
        disputes.DisputeEvidenceFileView.as_view(),
        name="dispute-evidence-file",
    ),
    path(
        "bookings/<int:booking_id>/dispute/resolve/",
        disputes.DisputeResolveView.as_view(),
        name="dispute-resolve",
    ),
    path("disputes/", disputes.DisputeListView.as_view(), name="dispute-list"),
]
