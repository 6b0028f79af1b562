"""Agreement pages: fetch, check permission, call a service, redirect."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import DetailView, FormView, ListView

from accounts.errors import DomainError
from accounts.paging import COUNT_SECONDS, KeptCountPaginator
from accounts.text import fold, search_query
from partners.models import Partner

from . import permissions as perms
from . import services
from .forms import (
    AgreementFilterForm,
    AgreementForm,
    CriterionFormSet,
    DocumentForm,
    EventForm,
    FieldFormSet,
    NoticeDoneForm,
    OutputForm,
    OutputProgressForm,
    ReviewForm,
)
from .models import (
    Agreement,
    AgreementDocument,
    AgreementEvent,
    LegalNotice,
    Output,
    agreement_links,
    reviews_with_scores,
)


def visible_agreement(request: HttpRequest, pk: int) -> Agreement:
    """The agreement if the user may see it; a 404 otherwise (its existence is not revealed)."""
    agreement = get_object_or_404(Agreement.objects.select_related("lead_agency"), pk=pk)
    if not perms.can_view_agreement(request.user, agreement):
        raise Http404
    return agreement


def _form_error(form, error: DomainError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class AgreementListView(ListView):
    template_name = "agreements/agreement_list.html"
    context_object_name = "agreements"
    paginate_by = 50
    paginator_class = KeptCountPaginator

    def get_queryset(self):
        self.filter_form = AgreementFilterForm(self.request.GET or None)
        queryset = Agreement.objects.visible_to(self.request.user).for_list()
        return self.filter_form.filter(queryset).order_by("-signed_on", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        context["can_create"] = perms.can_edit_agreement(self.request.user)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_string"] = query.urlencode()
        # The filters, the rows and the pages as rendered, kept while the list is unchanged:
        # the same for every user who sees the same agreements.
        context["kept_page"] = context["paginator"].page_key(
            context["page_obj"].number, translation.get_language(), context["query_string"]
        )
        context["kept_seconds"] = COUNT_SECONDS
        return context


class AgreementDetailView(DetailView):
    template_name = "agreements/agreement_detail.html"
    context_object_name = "agreement"

    def get_object(self, queryset=None):
        # As visible_agreement(), but the permission reads the coordinating agencies that
        # the page shows (loaded with the partners and fields in one query).
        agreement = get_object_or_404(
            Agreement.objects.select_related("lead_agency"), pk=self.kwargs["pk"]
        )
        self.links = agreement_links(agreement)
        if not perms.can_view_agreement(
            self.request.user, agreement, coordinating=self.links.coordinating
        ):
            raise Http404
        return agreement

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        agreement, user = self.object, self.request.user
        today = timezone.localdate()
        outputs = list(agreement.outputs.select_related("responsible_agency"))
        for output in outputs:
            output.can_update = perms.can_update_output(user, output)
        notices = list(agreement.notices.select_related("event"))
        for notice in notices:
            notice.current_status = notice.status(today)
        can_edit = perms.can_edit_agreement(user, agreement)
        context.update(
            today=today,
            partners=self.links.partners,
            fields=self.links.fields,
            coordinating=self.links.coordinating,
            outputs=outputs,
            reviews=reviews_with_scores(agreement),
            events=agreement.events.select_related("recorded_by"),
            notices=notices,
            documents=agreement.documents.all(),
            can_edit=can_edit,
            can_review=perms.can_record_review(user, agreement) and agreement.is_signed,
            allowed_events=[
                (kind, AgreementEvent.Kind(kind).label)
                for kind in services.allowed_events(agreement)
            ]
            if can_edit
            else [],
            days_to_end=agreement.days_to_end(today),
            notice_form=NoticeDoneForm(initial={"done_on": today}),
        )
        return context


class OfficialOnlyMixin:
    """Writes reserved to foreign-affairs officials: 403 for anyone else who can see it."""

    def dispatch(self, request, *args, **kwargs):
        if not perms.can_edit_agreement(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class AgreementFormMixin:
    """The form of one action on an agreement: ``perform(form)`` calls the service; a
    ``DomainError`` goes back on the form; on success, ``success_message`` and the agreement's
    page at ``success_anchor``."""

    agreement: Agreement
    success_message = ""
    success_anchor = ""

    def perform(self, form) -> None:
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.perform(form)
        except DomainError as error:
            _form_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.agreement.get_absolute_url() + self.success_anchor)


class AgreementCreateView(OfficialOnlyMixin, FormView):
    form_class = AgreementForm
    template_name = "agreements/agreement_form.html"

    def form_valid(self, form):
        data = {
            k: v
            for k, v in form.cleaned_data.items()
            if k not in {"partners", "fields", "coordinating_agencies"}
        }
        try:
            agreement = services.agreement_create(
                user=self.request.user,
                data=data,
                partners=form.cleaned_data["partners"],
                fields=form.cleaned_data["fields"],
                coordinating_agencies=form.cleaned_data["coordinating_agencies"],
            )
        except DomainError as error:
            _form_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The agreement has been registered."))
        return redirect(agreement)


class AgreementUpdateView(OfficialOnlyMixin, FormView):
    form_class = AgreementForm
    template_name = "agreements/agreement_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.agreement = visible_agreement(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.agreement}

    def get_context_data(self, **kwargs):
        return super().get_context_data(agreement=self.agreement, **kwargs)

    def form_valid(self, form):
        data = {
            k: v
            for k, v in form.cleaned_data.items()
            if k not in {"partners", "fields", "coordinating_agencies"}
        }
        # The form has already written its values onto the instance; reload before the
        # service applies them, so that a refused change leaves nothing half-applied.
        agreement = Agreement.objects.get(pk=self.agreement.pk)
        try:
            services.agreement_update(
                agreement=agreement,
                user=self.request.user,
                data=data,
                partners=form.cleaned_data["partners"],
                fields=form.cleaned_data["fields"],
                coordinating_agencies=form.cleaned_data["coordinating_agencies"],
            )
        except DomainError as error:
            _form_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The agreement has been saved."))
        return redirect(agreement)


class EventCreateView(OfficialOnlyMixin, FormView):
    template_name = "agreements/event_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.agreement = visible_agreement(request, kwargs["pk"])
        if kwargs["kind"] not in AgreementEvent.Kind.values:
            raise Http404
        self.kind = kwargs["kind"]
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        return EventForm(**self.get_form_kwargs(), kind=self.kind, agreement=self.agreement)

    def get_initial(self):
        return {"occurred_on": timezone.localdate()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            agreement=self.agreement,
            kind_label=AgreementEvent.Kind(self.kind).label,
            allowed=self.kind in services.allowed_events(self.agreement),
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.agreement_record_event(
                agreement=self.agreement,
                kind=self.kind,
                occurred_on=data["occurred_on"],
                user=self.request.user,
                decision_number=data.get("decision_number", ""),
                note=data.get("note", ""),
                new_end_on=data.get("new_end_on"),
                details=form.details(),
            )
        except DomainError as error:
            _form_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Recorded: %(event)s.") % {"event": AgreementEvent.Kind(self.kind).label},
        )
        return redirect(self.agreement)


@require_POST
def notice_done(request: HttpRequest, pk: int, notice_pk: int) -> HttpResponse:
    agreement = visible_agreement(request, pk)
    if not perms.can_edit_agreement(request.user, agreement):
        raise PermissionDenied
    notice = get_object_or_404(LegalNotice, pk=notice_pk, agreement=agreement)
    form = NoticeDoneForm(request.POST)
    if form.is_valid():
        try:
            services.notice_mark_done(
                notice=notice,
                done_on=form.cleaned_data["done_on"],
                reference=form.cleaned_data["reference"],
                user=request.user,
            )
            messages.success(request, _("The notice has been recorded as sent."))
        except DomainError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Enter the date the notice was sent (dd/mm/yyyy)."))
    return redirect(agreement.get_absolute_url() + "#notices")


class OutputCreateView(AgreementFormMixin, OfficialOnlyMixin, FormView):
    form_class = OutputForm
    template_name = "agreements/output_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.agreement = visible_agreement(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"responsible_agency": self.agreement.lead_agency_id}

    def get_context_data(self, **kwargs):
        return super().get_context_data(agreement=self.agreement, **kwargs)

    success_message = gettext_lazy("The output has been added.")
    success_anchor = "#outputs"

    def perform(self, form) -> None:
        services.output_create(
            agreement=self.agreement, user=self.request.user, data=form.cleaned_data
        )


class OutputUpdateView(OutputCreateView):
    def dispatch(self, request, *args, **kwargs):
        self.agreement = visible_agreement(request, kwargs["pk"])
        self.output = get_object_or_404(Output, pk=kwargs["output_pk"], agreement=self.agreement)
        return OfficialOnlyMixin.dispatch(self, request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.output}

    success_message = gettext_lazy("The output has been saved.")

    def perform(self, form) -> None:
        output = Output.objects.get(pk=self.output.pk)
        services.output_update(output=output, user=self.request.user, data=form.cleaned_data)


class OutputProgressView(AgreementFormMixin, FormView):
    """An agency reporter updates the progress of an output assigned to their agency."""

    form_class = OutputProgressForm
    template_name = "agreements/output_progress.html"

    def dispatch(self, request, *args, **kwargs):
        self.agreement = visible_agreement(request, kwargs["pk"])
        self.output = get_object_or_404(
            Output.objects.select_related("responsible_agency"),
            pk=kwargs["output_pk"],
            agreement=self.agreement,
        )
        if not perms.can_update_output(request.user, self.output):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.output}

    def get_context_data(self, **kwargs):
        return super().get_context_data(agreement=self.agreement, output=self.output, **kwargs)

    success_message = gettext_lazy("The progress has been saved.")
    success_anchor = "#outputs"

    def perform(self, form) -> None:
        services.output_report_progress(
            output=Output.objects.get(pk=self.output.pk),
            user=self.request.user,
            current_value=form.cleaned_data["current_value"],
            status=form.cleaned_data["status"],
            progress_note=form.cleaned_data["progress_note"],
        )


class ReviewCreateView(AgreementFormMixin, FormView):
    form_class = ReviewForm
    template_name = "agreements/review_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.agreement = visible_agreement(request, kwargs["pk"])
        if not perms.can_record_review(request.user, self.agreement):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            agreement=self.agreement,
            outputs=self.agreement.outputs.select_related("responsible_agency"),
            **kwargs,
        )

    success_message = gettext_lazy("The review has been recorded.")
    success_anchor = "#reviews"

    def perform(self, form) -> None:
        data = form.cleaned_data
        services.review_record(
            agreement=self.agreement,
            user=self.request.user,
            period=data["period"],
            reviewed_on=data["reviewed_on"],
            overall=data["overall"],
            achievements=data["achievements"],
            difficulties=data["difficulties"],
            proposals=data["proposals"],
            scores=form.scores(),
        )


class DocumentUploadView(AgreementFormMixin, OfficialOnlyMixin, FormView):
    form_class = DocumentForm
    template_name = "agreements/document_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.agreement = visible_agreement(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(agreement=self.agreement, **kwargs)

    success_message = gettext_lazy("The file has been attached.")
    success_anchor = "#documents"

    def perform(self, form) -> None:
        services.document_upload(
            agreement=self.agreement,
            user=self.request.user,
            uploaded_file=form.cleaned_data["file"],
            kind=form.cleaned_data["kind"],
            title=form.cleaned_data["title"],
        )


@require_GET
def document_download(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    agreement = visible_agreement(request, pk)
    document = get_object_or_404(AgreementDocument, pk=document_pk, agreement=agreement)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.download_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


class ReviewCoverageView(ListView):
    """The share of in-force agreements reviewed in the current period, and those not yet."""

    template_name = "agreements/review_coverage.html"
    context_object_name = "unreviewed"
    paginate_by = 50
    paginator_class = KeptCountPaginator

    def get_queryset(self):
        self.coverage = services.review_coverage(
            queryset=Agreement.objects.visible_to(self.request.user)
        )
        return (
            Agreement.objects.visible_to(self.request.user)
            .in_force()
            .not_reviewed_in(self.coverage.period)
            .for_list()
            .order_by("end_on", "id")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(coverage=self.coverage, **kwargs)


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """One box for partners and agreements, insensitive to accents, case and đ/Đ."""
    query = search_query(request.GET.get("q"))
    partners = agreements = []
    if fold(query):
        # Only what the page shows: names, number, title and state.
        partners = list(
            Partner.objects.search(query)
            .only("pk", "name_vi", "name_native")
            .order_by("name_vi")[:50]
        )
        agreements = list(
            Agreement.objects.visible_to(request.user)
            .search(query)
            .only("pk", "number", "title_vi", "state")
            .order_by("-signed_on", "-id")[:50]
        )
    return render(
        request,
        "agreements/search.html",
        {"query": query, "partners": partners, "agreements": agreements},
    )


class ReferenceListsView(FormView):
    """The evaluation criteria and the fields of cooperation that Sở Ngoại vụ maintains.

    Everyone who can log in reads them; officials and administrators edit them.
    """

    template_name = "agreements/reference_lists.html"

    def post(self, request, *args, **kwargs):
        if not perms.can_manage_reference_lists(request.user):
            raise PermissionDenied
        criteria = CriterionFormSet(request.POST, prefix="criteria")
        fields = FieldFormSet(request.POST, prefix="fields")
        if criteria.is_valid() and fields.is_valid():
            with transaction.atomic():
                services.reference_lists_save(formsets=[criteria, fields], user=request.user)
            messages.success(request, _("The reference lists have been saved."))
            return redirect("agreements:reference_lists")
        return self.render_to_response({"criteria": criteria, "fields": fields, "can_edit": True})

    def get(self, request, *args, **kwargs):
        return self.render_to_response(
            {
                "criteria": CriterionFormSet(prefix="criteria"),
                "fields": FieldFormSet(prefix="fields"),
                "can_edit": perms.can_manage_reference_lists(request.user),
            }
        )
